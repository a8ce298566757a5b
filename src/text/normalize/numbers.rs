//! Ranges, clock times and fractions.
//!
//! espeak-ng reads `10-12` as "ten dash twelve" and is silent on an en dash; it reads
//! `10:05` as "ten zero five", `12:00` as "twelve zero zero" and `1/2` as "one slash two".
//! Here a range between two numbers is said with "to", a time with "oh" or "o'clock", and a
//! simple fraction as words ("one half", "three quarters", "two and a half"). `10:30`,
//! decimals, percentages and plain numbers are left to espeak-ng, which reads them right.
//! A hyphen between numbers is a range only when it cannot be a phone number or a date
//! (`555-1234`, `2020-01-05`): no more than four digits a side, no chain of three.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::{Captures, Regex};

use super::words;

static RANGE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\d{1,4})\s?([-–])\s?(\d{1,4})\b").expect("static pattern"));

static TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(\d{1,2}):(\d{2})\b(\s*(?:[ap]\.?m\b\.?|[AP]\.?M\b\.?))?")
        .expect("static pattern")
});

static FRACTION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(?:(\d+)\s+)?(\d{1,2})/(\d{1,3})\b").expect("static pattern"));

/// Says ranges, times and fractions.
pub(super) fn apply(text: &str) -> Cow<'_, str> {
    if !text.bytes().any(|b| b.is_ascii_digit()) || !text.contains(['-', '–', ':', '/']) {
        return Cow::Borrowed(text);
    }
    let text = isolated(text, &RANGE, range);
    let text = isolated(&text, &TIME, time);
    let text = isolated(&text, &FRACTION, fraction);
    Cow::Owned(text.into_owned())
}

fn range(c: &Captures) -> Option<String> {
    let (a, b) = (words::parse_int(&c[1])?, words::parse_int(&c[3])?);
    let en_dash = &c[2] == "–";
    // A hyphen joins scores (3-2) and ranges (10-12); a long right side is a phone number.
    let ok = en_dash || a < b || (c[1].len() <= 2 && c[3].len() <= 2);
    let phone_like = c[3].len() > c[1].len().max(2);
    (ok && !phone_like).then(|| format!("{} to {}", &c[1], &c[3]))
}

fn time(c: &Captures) -> Option<String> {
    let (h, m) = (words::parse_int(&c[1])?, words::parse_int(&c[2])?);
    if !(1..=24).contains(&h) || m > 59 {
        return None;
    }
    let suffix = c.get(3).map_or("", |s| s.as_str());
    let hour = words::cardinal(&c[1])?;
    let spoken = match m {
        0 if !suffix.is_empty() => hour,
        0 if h <= 12 => format!("{hour} o'clock"),
        0 => format!("{hour} hundred"),
        1..=9 => format!("{hour} oh {}", words::cardinal(&c[2])?),
        // espeak-ng reads 10:30 right.
        _ => return None,
    };
    Some(format!("{spoken}{suffix}"))
}

fn fraction(c: &Captures) -> Option<String> {
    let (num, den) = (words::parse_int(&c[2])?, words::parse_int(&c[3])?);
    let common = matches!(den, 2..=12 | 16 | 32 | 64 | 100);
    // 9/11 and 24/7 are names, not fractions.
    if !common || num == 0 || num >= den || (num, den) == (9, 11) {
        return None;
    }
    let spoken = match (num, den) {
        (1, 2) => "one half".to_owned(),
        (_, 2) => format!("{} halves", words::cardinal(&c[2])?),
        (1, 4) => "one quarter".to_owned(),
        (_, 4) => format!("{} quarters", words::cardinal(&c[2])?),
        (1, _) => format!("one {}", words::ordinal(&c[3])?),
        _ => format!("{} {}s", words::cardinal(&c[2])?, words::ordinal(&c[3])?),
    };
    Some(match c.get(1) {
        Some(whole) => {
            let whole = words::cardinal(whole.as_str())?;
            match spoken.strip_prefix("one ") {
                Some(single) if single.starts_with(['a', 'e', 'i', 'o', 'u']) => {
                    format!("{whole} and an {single}")
                }
                Some(single) => format!("{whole} and a {single}"),
                None => format!("{whole} and {spoken}"),
            }
        }
        None => spoken,
    })
}

/// `replace_all`, leaving matches glued to more numbers (`1/2/2020`, `555-123-4567`,
/// `10:05:30`, `3.5-4`) and those `say` declines.
fn isolated<'t>(text: &'t str, re: &Regex, say: fn(&Captures) -> Option<String>) -> Cow<'t, str> {
    super::replace_in_context(text, re, |c, before, rest| {
        let mut after = rest.chars();
        let glued_after = matches!(
            (after.next(), after.next()),
            (Some('-' | '–' | '/' | ':' | '.' | ','), Some(d)) if d.is_ascii_digit()
        );
        let mut back = before.chars().rev();
        let glued_before = matches!(
            (back.next(), back.next()),
            (Some('-' | '–' | '/' | ':' | '.' | ','), Some(d)) if d.is_ascii_digit()
        ) || before.ends_with(|ch: char| ch.is_alphabetic() || ch == '-');
        if glued_after || glued_before {
            return None;
        }
        say(c)
    })
}

#[cfg(test)]
mod tests {
    use super::apply;

    #[test]
    fn ranges_are_said_with_to() {
        assert_eq!(apply("pages 10-12"), "pages 10 to 12");
        assert_eq!(apply("pages 10–12"), "pages 10 to 12");
        assert_eq!(apply("won 3-2"), "won 3 to 2");
        assert_eq!(apply("call 555-1234"), "call 555-1234");
        assert_eq!(apply("call 555-123-4567"), "call 555-123-4567");
        assert_eq!(apply("an F-16 jet"), "an F-16 jet");
        assert_eq!(apply("-5 degrees"), "-5 degrees");
    }

    #[test]
    fn times() {
        assert_eq!(apply("at 10:05"), "at ten oh five");
        assert_eq!(apply("at 12:00"), "at twelve o'clock");
        assert_eq!(apply("at 3:00 pm"), "at three pm");
        assert_eq!(apply("at 14:00"), "at fourteen hundred");
        assert_eq!(apply("at 10:30"), "at 10:30");
        assert_eq!(apply("3:45 pm"), "3:45 pm");
        assert_eq!(apply("at 10:05:30"), "at 10:05:30");
    }

    #[test]
    fn fractions() {
        assert_eq!(apply("1/2 cup"), "one half cup");
        assert_eq!(apply("3/4 of"), "three quarters of");
        assert_eq!(apply("2/3"), "two thirds");
        assert_eq!(apply("1/8 inch"), "one eighth inch");
        assert_eq!(apply("1 1/2 cups"), "one and a half cups");
        assert_eq!(apply("1 1/8 inch"), "one and an eighth inch");
        assert_eq!(apply("2 3/4 miles"), "two and three quarters miles");
        assert_eq!(apply("on 1/2/2020"), "on 1/2/2020");
        assert_eq!(apply("9/11 and 24/7"), "9/11 and 24/7");
    }
}
