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
        r"\b(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(\s?|-)",
        r"(km/h|kph|mph|km|cm|mm|kg|mg|g|lbs?|oz|mi|ft|ml|L|kWh|kW|MW|GW|kt|MHz|GHz|kHz|Hz",
        r"|GB|MB|TB|°C|°F|hrs?|mins?|secs?|yrs?)(?:\b|$)(\.)?",
    ))
    .expect("static pattern")
});

/// Abbreviated plural units without a number before them: "10 or so lbs. of insulation".
static BARE_UNIT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(lbs|hrs|mins|yrs|ozs)\.").expect("static pattern"));

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
        "oz" | "ozs" => ("ounce", "ounces"),
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
        "hr" | "hrs" => ("hour", "hours"),
        "min" | "mins" => ("minute", "minutes"),
        "sec" | "secs" => ("second", "seconds"),
        "yr" | "yrs" => ("year", "years"),
        _ => ("degree Fahrenheit", "degrees Fahrenheit"),
    }
}

/// Says units after numbers.
pub(super) fn apply(text: &str) -> Cow<'_, str> {
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return Cow::Borrowed(text);
    }
    let text = MEASURE.replace_all(text, |c: &Captures| {
        let Some(whole) = c.get(0) else {
            return String::new();
        };
        // `v2.5g`, `x5-kg`: glued to other words, leave it.
        if text[..whole.start()].ends_with(|ch: char| ch.is_alphanumeric() || ch == '.') {
            return whole.as_str().to_owned();
        }
        let number = format!("{}{}", &c[1], c.get(2).map_or("", |m| m.as_str()));
        let (one, many) = name(&c[4]);
        // `6-oz. ramekins`, `a 25-lb bag`: a measure used as an adjective is singular.
        let adjective = &c[3] == "-";
        let unit = if number == "1" || adjective {
            one
        } else {
            many
        };
        // The period of `lb.` goes with the unit, unless it also ends the sentence.
        let stop = if c.get(5).is_some() && text[whole.end()..].trim().is_empty() {
            "."
        } else {
            ""
        };
        match words::decimal(&number) {
            Some(spoken) if adjective => format!("{spoken}-{unit}{stop}"),
            Some(spoken) => format!("{spoken} {unit}{stop}"),
            None => whole.as_str().to_owned(),
        }
    });
    let text = BARE_UNIT.replace_all(&text, |c: &Captures| {
        let unit = name(&c[1]).1;
        let whole = c.get(0).map_or(0..0, |m| m.range());
        let ends = text[whole.end..].trim().is_empty();
        format!("{unit}{}", if ends { "." } else { "" })
    });
    Cow::Owned(text.into_owned())
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
    fn abbreviated_units_with_a_period_are_words() {
        // Adirondack Forum (2021); HikingHQ forum; Fine Cooking; a running blog (2008).
        assert_eq!(apply("an 18 lb. pack"), "an eighteen pounds pack");
        assert_eq!(apply("10 or so lbs. of"), "10 or so pounds of");
        assert_eq!(apply("a 7lbs frame"), "a seven pounds frame");
        assert_eq!(apply("eight 6-oz. ramekins"), "eight six-ounce ramekins");
        assert_eq!(
            apply("just over 9 min per mile"),
            "just over nine minutes per mile"
        );
        assert_eq!(apply("took 3 hrs. to"), "took three hours to");
        assert_eq!(apply("about 35 lb."), "about thirty-five pounds.");
        assert_eq!(apply("for 5 yrs. now"), "for five years now");
    }

    #[test]
    fn ambiguous_symbols_stay() {
        assert_eq!(apply("5 in the morning"), "5 in the morning");
        assert_eq!(apply("5 m"), "5 m");
        assert_eq!(apply("5G networks"), "5G networks");
        assert_eq!(apply("4 gods"), "4 gods");
    }
}
