//! Amounts of money: the unit is said after the number, as people say it.
//!
//! espeak-ng reads `$3.5 billion` as "dollar three point five billion" and `$4.99` as
//! "dollar four point nine nine". Here `$`, `£`, `€` and `¥` amounts become words with the
//! unit last: "three point five billion dollars", "four dollars and ninety-nine cents",
//! "fifty pounds", "one euro". A scale word (`million`) or suffix (`m`, `bn`, `k`) joins the
//! number; two decimals without a scale are cents (pence for pounds).

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::{Captures, Regex};

use super::words;

static AMOUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"([$£€¥])\s?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?",
        r"(?:[\s-](thousand|million|billion|trillion)\b|(k|K|m|M|bn|b|B|tn)\b)?",
    ))
    .expect("static pattern")
});

/// `$.44`: cents written as a fraction of a dollar (earnings per share).
static CENTS_ONLY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\$\.(\d{2})\b").expect("static pattern"));

/// `99¢`.
static CENTS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\d{1,2})\s?¢").expect("static pattern"));

struct Money {
    one: &'static str,
    many: &'static str,
    /// Hundredths, singular and plural; `None` for a currency without them in speech.
    cent: Option<(&'static str, &'static str)>,
}

fn money(symbol: &str) -> Money {
    match symbol {
        "£" => Money {
            one: "pound",
            many: "pounds",
            cent: Some(("penny", "pence")),
        },
        "€" => Money {
            one: "euro",
            many: "euros",
            cent: Some(("cent", "cents")),
        },
        "¥" => Money {
            one: "yen",
            many: "yen",
            cent: None,
        },
        _ => Money {
            one: "dollar",
            many: "dollars",
            cent: Some(("cent", "cents")),
        },
    }
}

/// Speaks amounts of money.
pub(super) fn apply(text: &str) -> Cow<'_, str> {
    if !text.contains(['$', '£', '€', '¥', '¢']) {
        return Cow::Borrowed(text);
    }
    let text = CENTS_ONLY.replace_all(text, |c: &Captures| match words::cardinal(&c[1]) {
        Some(w) => format!("{w} {}", if &c[1] == "01" { "cent" } else { "cents" }),
        None => c[0].to_owned(),
    });
    let text = AMOUNT.replace_all(&text, |c: &Captures| {
        amount(c).unwrap_or_else(|| c[0].to_owned())
    });
    let text = CENTS.replace_all(&text, |c: &Captures| {
        let n = &c[1];
        match words::cardinal(n) {
            Some(w) => format!("{w} {}", if n == "1" { "cent" } else { "cents" }),
            None => c[0].to_owned(),
        }
    });
    Cow::Owned(text.into_owned())
}

fn amount(c: &Captures) -> Option<String> {
    let unit = money(&c[1]);
    let int = &c[2];
    let frac = c.get(3).map(|m| m.as_str());
    let scale = c.get(4).or(c.get(5)).map(|m| match m.as_str() {
        "k" | "K" => "thousand",
        "m" | "M" => "million",
        "b" | "B" | "bn" => "billion",
        "tn" => "trillion",
        s => s,
    });
    let number = match frac {
        Some(f) => format!("{int}.{f}"),
        None => int.to_owned(),
    };
    if let Some(scale) = scale {
        return Some(format!(
            "{} {scale} {}",
            words::decimal(&number)?,
            unit.many
        ));
    }
    let whole = words::cardinal(int)?;
    let whole_unit = if words::parse_int(int)? == 1 {
        unit.one
    } else {
        unit.many
    };
    match (frac, unit.cent) {
        (None, _) => Some(format!("{whole} {whole_unit}")),
        (Some(f), Some((cent, cents))) if f.len() == 2 => {
            let n = words::parse_int(f)?;
            let hundredths = format!(
                "{} {}",
                words::cardinal(f)?,
                if n == 1 { cent } else { cents }
            );
            Some(match (words::parse_int(int)?, n) {
                (_, 0) => format!("{whole} {whole_unit}"),
                (0, _) => hundredths,
                _ => format!("{whole} {whole_unit} and {hundredths}"),
            })
        }
        (Some(_), _) => Some(format!("{} {}", words::decimal(&number)?, unit.many)),
    }
}

#[cfg(test)]
mod tests {
    use super::apply;

    #[test]
    fn dollars_come_after_the_number() {
        assert_eq!(apply("$100"), "one hundred dollars");
        assert_eq!(apply("$1,200"), "one thousand two hundred dollars");
        assert_eq!(apply("$1"), "one dollar");
        assert_eq!(apply("it cost $5."), "it cost five dollars.");
    }

    #[test]
    fn scales_join_the_number() {
        assert_eq!(apply("$3.5 billion"), "three point five billion dollars");
        assert_eq!(apply("$2m deal"), "two million dollars deal");
        assert_eq!(apply("€4bn"), "four billion euros");
    }

    #[test]
    fn cents_and_pence() {
        assert_eq!(apply("$4.99"), "four dollars and ninety-nine cents");
        assert_eq!(apply("$0.50"), "fifty cents");
        assert_eq!(apply("$3.00"), "three dollars");
        assert_eq!(apply("£2.01"), "two pounds and one penny");
        assert_eq!(apply("99¢"), "ninety-nine cents");
    }

    #[test]
    fn other_currencies() {
        assert_eq!(apply("£50"), "fifty pounds");
        assert_eq!(apply("€1"), "one euro");
        assert_eq!(apply("¥500"), "five hundred yen");
    }

    #[test]
    fn cents_of_a_dollar_and_hyphenated_scales() {
        // Sara Lee press release (2004); Reuters via The Globe and Mail (2011).
        assert_eq!(apply("were $.44 for"), "were forty-four cents for");
        assert_eq!(
            apply("was $2.8-billion, up"),
            "was two point eight billion dollars, up"
        );
    }

    #[test]
    fn no_money_is_borrowed() {
        assert!(matches!(
            apply("4.5% of 100"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
