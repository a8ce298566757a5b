//! Units of measure after a number: `50 km` is "fifty kilometers", not "fifty K M".
//!
//! Only symbols that cannot be an ordinary word after a number are expanded: `in` (inches)
//! and `m` (meters, or millions) are left alone. The number is said in words so that the
//! unit's number agrees with it ("one kilometer", "1.5 kilometers").

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::{Captures, Regex};

use super::words;

static MEASURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"\b(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s?",
        r"(km/h|kph|mph|km|cm|mm|kg|mg|g|lbs?|oz|mi|ft|ml|L|kWh|kW|MW|GW|kt|MHz|GHz|kHz|Hz",
        r"|GB|MB|TB|°C|°F)(?:\b|$)",
    ))
    .expect("static pattern")
});

/// Singular and plural names of a unit symbol.
fn name(symbol: &str) -> (&'static str, &'static str) {
    match symbol {
        "km/h" | "kph" => ("kilometer per hour", "kilometers per hour"),
        "mph" => ("mile per hour", "miles per hour"),
        "km" => ("kilometer", "kilometers"),
        "cm" => ("centimeter", "centimeters"),
        "mm" => ("millimeter", "millimeters"),
        "kg" => ("kilogram", "kilograms"),
        "mg" => ("milligram", "milligrams"),
        "g" => ("gram", "grams"),
        "lb" | "lbs" => ("pound", "pounds"),
        "oz" => ("ounce", "ounces"),
        "mi" => ("mile", "miles"),
        "ft" => ("foot", "feet"),
        "ml" => ("milliliter", "milliliters"),
        "L" => ("liter", "liters"),
        "kWh" => ("kilowatt hour", "kilowatt hours"),
        "kW" => ("kilowatt", "kilowatts"),
        "MW" => ("megawatt", "megawatts"),
        "GW" => ("gigawatt", "gigawatts"),
        "kt" => ("kiloton", "kilotons"),
        "MHz" => ("megahertz", "megahertz"),
        "GHz" => ("gigahertz", "gigahertz"),
        "kHz" => ("kilohertz", "kilohertz"),
        "Hz" => ("hertz", "hertz"),
        "GB" => ("gigabyte", "gigabytes"),
        "MB" => ("megabyte", "megabytes"),
        "TB" => ("terabyte", "terabytes"),
        "°C" => ("degree Celsius", "degrees Celsius"),
        _ => ("degree Fahrenheit", "degrees Fahrenheit"),
    }
}

/// Says units after numbers.
pub(super) fn apply(text: &str) -> Cow<'_, str> {
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return Cow::Borrowed(text);
    }
    MEASURE.replace_all(text, |c: &Captures| {
        let Some(whole) = c.get(0) else {
            return String::new();
        };
        // `5-kg bag`, `v2.5g`: glued to other words, leave it.
        if text[..whole.start()].ends_with(|ch: char| ch.is_alphanumeric() || ch == '.') {
            return whole.as_str().to_owned();
        }
        let number = format!("{}{}", &c[1], c.get(2).map_or("", |m| m.as_str()));
        let (one, many) = name(&c[3]);
        match words::decimal(&number) {
            Some(spoken) => format!("{spoken} {}", if number == "1" { one } else { many }),
            None => whole.as_str().to_owned(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::apply;

    #[test]
    fn units_are_named() {
        assert_eq!(apply("50 km"), "fifty kilometers");
        assert_eq!(apply("1 km"), "one kilometer");
        assert_eq!(apply("1.5 kg of"), "one point five kilograms of");
        assert_eq!(apply("at 60 mph"), "at sixty miles per hour");
        assert_eq!(apply("a 10 kt bomb"), "a ten kilotons bomb");
        assert_eq!(apply("20°C"), "twenty degrees Celsius");
        assert_eq!(apply("6 ft tall"), "six feet tall");
    }

    #[test]
    fn ambiguous_symbols_stay() {
        assert_eq!(apply("5 in the morning"), "5 in the morning");
        assert_eq!(apply("5 m"), "5 m");
        assert_eq!(apply("5G networks"), "5G networks");
        assert_eq!(apply("4 gods"), "4 gods");
    }
}
