//! Numbers into English words, through the `num2words` crate.
//!
//! Every rule that speaks a number goes through here, so that the wording is the same
//! everywhere and no rule carries its own table of number words. Inputs are the digit strings
//! the rules matched; anything the crate cannot say comes back as `None` and the rule leaves
//! the written form alone (espeak-ng then reads the digits as it would have anyway).
//!
//! The crate computes with arbitrary-precision decimals and takes tens of microseconds per
//! number, more than all the pattern matching of a sentence; answers are memoized (a few
//! thousand at most), so a script that says the same years again pays once.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use num2words::Num2Words;

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Form {
    Cardinal,
    Ordinal,
    Year,
}

/// Memoized answers of the crate; cleared when it grows past `MEMO_LIMIT`.
static MEMO: LazyLock<Mutex<HashMap<(Form, i64), String>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));
const MEMO_LIMIT: usize = 4096;

fn say(form: Form, n: i64) -> Option<String> {
    if let Some(words) = MEMO.lock().ok().and_then(|m| m.get(&(form, n)).cloned()) {
        return Some(words);
    }
    let builder = Num2Words::new(n);
    let words = match form {
        Form::Cardinal => builder.cardinal(),
        Form::Ordinal => builder.ordinal(),
        Form::Year => builder.year(),
    }
    .to_words()
    .ok()?;
    if let Ok(mut memo) = MEMO.lock() {
        if memo.len() >= MEMO_LIMIT {
            memo.clear();
        }
        memo.insert((form, n), words.clone());
    }
    Some(words)
}

/// `1200` -> "one thousand two hundred". Commas between digit groups are ignored.
pub(super) fn cardinal(digits: &str) -> Option<String> {
    say(Form::Cardinal, parse_int(digits)?)
}

/// `5` -> "fifth".
pub(super) fn ordinal(digits: &str) -> Option<String> {
    say(Form::Ordinal, parse_int(digits)?)
}

/// A number as a cardinal: 14 -> "fourteen".
pub(super) fn cardinal_of(n: u64) -> Option<String> {
    say(Form::Cardinal, i64::try_from(n).ok()?)
}

/// A number as an ordinal: 14 -> "fourteenth".
pub(super) fn ordinal_of(n: u64) -> Option<String> {
    say(Form::Ordinal, i64::try_from(n).ok()?)
}

/// `1999` -> "nineteen ninety-nine", `1905` -> "nineteen oh five", `1900` -> "nineteen
/// hundred", `2024` -> "twenty twenty-four", `2008` -> "two thousand eight".
pub(super) fn year(digits: &str) -> Option<String> {
    let words = say(Form::Year, parse_int(digits)?)?;
    // The crate writes "oh-five"; espeak-ng runs a hyphenated pair together, so part them.
    Some(words.replace("oh-", "oh "))
}

/// `1980` -> "nineteen eighties", `1900` -> "nineteen hundreds".
pub(super) fn decade(digits: &str) -> Option<String> {
    let words = year(digits)?;
    Some(match words.strip_suffix('y') {
        Some(stem) => format!("{stem}ies"),
        None => format!("{words}s"),
    })
}

/// `3.5` -> "three point five", `1,200` -> "one thousand two hundred": the integer part as a
/// cardinal, the decimals digit by digit, the way people read them.
pub(super) fn decimal(number: &str) -> Option<String> {
    let (int, frac) = match number.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (number, None),
    };
    let mut words = cardinal(int)?;
    if let Some(frac) = frac.filter(|f| !f.is_empty()) {
        words.push_str(" point");
        for digit in frac.chars() {
            let d = digit.to_digit(10)?;
            words.push(' ');
            words.push_str(&cardinal_of(u64::from(d))?);
        }
    }
    Some(words)
}

/// Digits with optional thousands commas into a number small enough to say.
pub(super) fn parse_int(digits: &str) -> Option<i64> {
    let plain: String = digits.chars().filter(|c| *c != ',').collect();
    if plain.is_empty() || plain.len() > 15 || !plain.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    plain.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cardinals_and_ordinals() {
        assert_eq!(
            cardinal("1,200").as_deref(),
            Some("one thousand two hundred")
        );
        assert_eq!(cardinal("50").as_deref(), Some("fifty"));
        assert_eq!(ordinal("5").as_deref(), Some("fifth"));
        assert_eq!(ordinal_of(14).as_deref(), Some("fourteenth"));
        assert_eq!(cardinal_of(2).as_deref(), Some("two"));
        assert_eq!(cardinal("12a"), None);
    }

    #[test]
    fn years_are_said_in_pairs() {
        assert_eq!(year("1999").as_deref(), Some("nineteen ninety-nine"));
        assert_eq!(year("1905").as_deref(), Some("nineteen oh five"));
        assert_eq!(year("1880").as_deref(), Some("eighteen eighty"));
        assert_eq!(year("1900").as_deref(), Some("nineteen hundred"));
        assert_eq!(year("2024").as_deref(), Some("twenty twenty-four"));
    }

    #[test]
    fn decades_are_plural() {
        assert_eq!(decade("1980").as_deref(), Some("nineteen eighties"));
        assert_eq!(decade("1990").as_deref(), Some("nineteen nineties"));
        assert_eq!(decade("1900").as_deref(), Some("nineteen hundreds"));
    }

    #[test]
    fn decimals_read_digit_by_digit() {
        assert_eq!(decimal("3.5").as_deref(), Some("three point five"));
        assert_eq!(decimal("4.25").as_deref(), Some("four point two five"));
        assert_eq!(decimal("100").as_deref(), Some("one hundred"));
    }
}
