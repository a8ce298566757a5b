//! Years, decades, ranges of years and calendar dates.
//!
//! espeak-ng reads every four-digit number as a quantity: `1999` "nineteen hundred
//! ninety-nine", `1880` "one thousand eight hundred eighty", `the 1980s` "nineteen hundred
//! eighties". A year is said in pairs ("nineteen ninety-nine", "nineteen oh five"), but
//! `1999 people` is a quantity, so a number is taken as a year only where the context says so
//! (heuristics, from the most to the least certain):
//!
//! - a decade: `1980s`, `1980's` (always; `2000s` to `2009s` are left, espeak-ng is right);
//! - a range of years: `1990-1995`, `1990–95`, `from 1990 to 1995`, `between 1990 and 1995`;
//! - after a date: `Jan 5, 1999`, `January 1999`;
//! - after a word that introduces a time: `in`, `since`, `by`, `until`, `during`, `before`,
//!   `after`, `of`, `circa`, `early`, `mid-`, `late`, a season, ... unless a count noun
//!   follows (`in 1999 people`, `of 1500 votes`);
//! - `the 2018 Singapore agreement`: after "the", before a capitalized word or a word that
//!   usually follows a year (`election`, `census`, `summit`, ...).
//!
//! Only 1000–2099 qualify, and 2000–2009 are left as written: espeak-ng already says "two
//! thousand eight", as people do. A day after a month name becomes an ordinal
//! ("January fifth").

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::{Captures, Regex};

use super::words;
use crate::text::calendar;

const MONTHS: &str =
    "January|February|March|April|May|June|July|August|September|October|November|December";

static DECADE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(1[0-9]\d0|20[1-9]0)'?s\b").expect("static pattern"));

/// A month name followed by a number: a date without a year.
static MONTH_DAY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"\b(?:{MONTHS})\s+\d")).expect("static pattern"));

static RANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(1\d{3}|20\d{2})\s?[-–]\s?(\d{4}|\d{2})\b").expect("static pattern")
});

static FROM_TO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(from|between)\s+(1\d{3}|20\d{2})\s+(to|and|until|through)\s+(1\d{3}|20\d{2})\b",
    )
    .expect("static pattern")
});

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\b({MONTHS})\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:(,?\s+)(1\d{{3}}|20\d{{2}})\b)?"
    ))
    .expect("static pattern")
});

/// A bare year-like number; the words around it decide (see [`year_in_context`]).
static YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(1\d{3}|20\d{2})\b").expect("static pattern"));

/// Lower-case words after which a number is a year, with the months.
const CUES: &[&str] = &[
    "in", "since", "by", "until", "till", "during", "before", "after", "of", "circa", "c.",
    "early", "late", "mid", "spring", "summer", "autumn", "fall", "winter", "year",
];

/// Lower-case words after which a four-digit number is a count, not a year.
const COUNT_NOUNS: &[&str] = &[
    "people",
    "persons",
    "votes",
    "voters",
    "years",
    "days",
    "times",
    "dollars",
    "men",
    "women",
    "children",
    "troops",
    "soldiers",
    "units",
    "copies",
    "miles",
    "kilometers",
    "meters",
    "feet",
    "pages",
    "words",
    "members",
    "cases",
    "deaths",
    "acres",
    "tons",
    "workers",
    "students",
    "residents",
    "households",
    "jobs",
    "points",
    "items",
];

/// Lower-case words that usually follow a year used as an adjective.
const YEAR_NOUNS: &[&str] = &[
    "election",
    "elections",
    "census",
    "season",
    "budget",
    "campaign",
    "war",
    "crisis",
    "summit",
    "agreement",
    "deal",
    "accord",
    "law",
    "act",
    "olympics",
    "model",
    "edition",
    "film",
    "report",
    "survey",
    "revolution",
    "uprising",
    "coup",
    "attack",
    "attacks",
    "earthquake",
    "treaty",
    "talks",
    "meeting",
    "visit",
    "protests",
    "riots",
    "invasion",
];

/// Says years, decades and dates.
pub(super) fn apply(text: &str) -> Cow<'_, str> {
    if !has_four_digits(text) {
        return Cow::Borrowed(text);
    }
    let text = DECADE.replace_all(text, |c: &Captures| {
        words::decade(&c[1]).unwrap_or_else(|| c[0].to_owned())
    });
    let text = FROM_TO.replace_all(&text, |c: &Captures| {
        format!(
            "{} {} {} {}",
            &c[1],
            say_year(&c[2]),
            &c[3],
            say_year(&c[4])
        )
    });
    let text = replace_isolated(&text, &RANGE, range);
    let text = DATE.replace_all(&text, |c: &Captures| {
        let day = words::parse_int(&c[2]).unwrap_or(0);
        let day_words = if (1..=31).contains(&day) {
            words::ordinal(&c[2])
        } else {
            None
        };
        let mut out = format!("{} {}", &c[1], day_words.unwrap_or_else(|| c[2].to_owned()));
        if let (Some(sep), Some(year)) = (c.get(3), c.get(4)) {
            out.push_str(sep.as_str());
            out.push_str(&say_year(year.as_str()));
        }
        out
    });
    let text = replace_isolated(&text, &YEAR, |c, before, rest| {
        year_in_context(before, rest).then(|| say_year(&c[1]))
    });
    Cow::Owned(text.into_owned())
}

/// True when the text holds four digits in a row: every rule here needs a year or a month.
fn has_four_digits(text: &str) -> bool {
    let mut run = 0;
    text.bytes().any(|b| {
        run = if b.is_ascii_digit() { run + 1 } else { 0 };
        run == 4
    }) || MONTH_DAY.is_match(text)
}

/// A year in words, or as written where espeak-ng already says it right (2000–2009).
fn say_year(digits: &str) -> String {
    match words::parse_int(digits) {
        Some(2000..=2009) | None => digits.to_owned(),
        Some(_) => words::year(digits).unwrap_or_else(|| digits.to_owned()),
    }
}

/// Whether a number between `before` and `rest` is a year: after a cue word (`in 1999`,
/// `mid-1990`) unless a count noun follows, or after "the"/"a" before a capitalized word or
/// a word that usually follows a year (`the 2018 Singapore agreement`, `the 1992 election`).
fn year_in_context(before: &str, rest: &str) -> bool {
    if before.ends_with("mid-") || before.ends_with("Mid-") {
        return true;
    }
    let next = next_word(rest);
    let counted = next.is_some_and(|w| COUNT_NOUNS.contains(&w));
    // `1968 stands as`, `1968…the year`: a year opens the sentence; `that 1968 was`: it is
    // the subject of a verb.
    let opens = before
        .trim_start_matches(['"', '\'', '“', '‘', '('])
        .trim()
        .is_empty();
    if (opens || next.is_some_and(|w| YEAR_VERBS.contains(&w))) && !counted {
        return true;
    }
    // `(Cohen, 1988;`, `Howell, 2009)`: a citation.
    if before.ends_with(", ") && rest.starts_with([';', ')']) {
        return true;
    }
    let Some(previous) = before.strip_suffix(char::is_whitespace) else {
        return false;
    };
    let previous = previous.rsplit(char::is_whitespace).next().unwrap_or("");
    let previous = previous
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .trim_end_matches(',')
        .to_lowercase();
    // `Q1 2017`, `FY 2019`.
    let quarter = matches!(
        previous.as_str(),
        "q1" | "q2" | "q3" | "q4" | "fy" | "fiscal"
    );
    let cue = CUES.contains(&previous.as_str()) || calendar::MONTHS.contains(&previous.as_str());
    if cue || quarter {
        return !counted;
    }
    matches!(previous.as_str(), "the" | "a")
        && next.is_some_and(|w| w.starts_with(char::is_uppercase) || YEAR_NOUNS.contains(&w))
}

/// Lower-case verbs that follow a year as the subject of a sentence: `1968 was`, `2004 saw`.
const YEAR_VERBS: &[&str] = &[
    "was",
    "is",
    "saw",
    "marked",
    "brought",
    "became",
    "began",
    "ended",
    "proved",
    "remains",
    "remained",
    "stands",
    "stood",
    "represented",
    "changed",
    "will",
    "would",
    "had",
    "has",
];

/// `1990-1995` or `1990–95`: both years, the second after the first.
fn range(c: &Captures, _before: &str, _rest: &str) -> Option<String> {
    let first = words::parse_int(&c[1])?;
    let second_written = &c[2];
    let second = if second_written.len() == 2 {
        first / 100 * 100 + words::parse_int(second_written)?
    } else {
        words::parse_int(second_written)?
    };
    (second > first && second <= 2099)
        .then(|| format!("{} to {}", say_year(&c[1]), say_year(&second.to_string())))
}

/// Like `Regex::replace_all`, but a match glued to more digits, a decimal point, a thousands
/// comma, a time or a percent sign (`1999.5`, `1999,000`, `2020-01-05`) is left alone, and
/// `say` may decline (returning `None`). `say` also gets the text before and after the match.
fn replace_isolated<'t>(
    text: &'t str,
    re: &Regex,
    say: impl Fn(&Captures, &str, &str) -> Option<String>,
) -> Cow<'t, str> {
    re.replace_all(text, |c: &Captures| {
        let Some(whole) = c.get(0) else {
            return String::new();
        };
        let rest = &text[whole.end()..];
        let before = &text[..whole.start()];
        let glued_after = {
            let mut chars = rest.chars();
            match (chars.next(), chars.next()) {
                (Some('-' | '–' | '/' | ':' | '%'), Some(d)) if d.is_ascii_digit() => true,
                (Some('.' | ','), Some(d)) if d.is_ascii_digit() => true,
                (Some('%'), _) => true,
                _ => false,
            }
        };
        let glued_before = before.ends_with(['-', '/', '.', '$', '£', '€', '#'])
            && !before.to_lowercase().ends_with("mid-");
        if glued_after || glued_before {
            return whole.as_str().to_owned();
        }
        say(c, before, rest).unwrap_or_else(|| whole.as_str().to_owned())
    })
}

/// The next word after white space, lower-case words only.
fn next_word(rest: &str) -> Option<&str> {
    let word = rest
        .trim_start()
        .split(|c: char| !c.is_alphanumeric())
        .next()?;
    (!word.is_empty()).then_some(word)
}

#[cfg(test)]
mod tests {
    use super::apply;

    #[test]
    fn years_after_a_cue() {
        assert_eq!(apply("in 1999"), "in nineteen ninety-nine");
        assert_eq!(apply("in 1905"), "in nineteen oh five");
        assert_eq!(apply("in 1880"), "in eighteen eighty");
        assert_eq!(apply("In 1066, the"), "In ten sixty-six, the");
        assert_eq!(apply("since 2019."), "since twenty nineteen.");
        assert_eq!(
            apply("re-elected in 2024."),
            "re-elected in twenty twenty-four."
        );
        assert_eq!(
            apply("the summer of 1969"),
            "the summer of nineteen sixty-nine"
        );
        assert_eq!(apply("the mid-1990"), "the mid-nineteen ninety");
    }

    #[test]
    fn quantities_stay_numbers() {
        assert_eq!(apply("1999 people"), "1999 people");
        assert_eq!(apply("in 1999 people"), "in 1999 people");
        assert_eq!(apply("a total of 1500 votes"), "a total of 1500 votes");
        assert_eq!(apply("in 1999.5 ms"), "in 1999.5 ms");
        assert_eq!(apply("by 1,999"), "by 1,999");
        assert_eq!(apply("in 2008"), "in 2008");
        assert_eq!(apply("30 years"), "30 years");
        assert_eq!(apply("on 2020-01-05"), "on 2020-01-05");
    }

    #[test]
    fn decades() {
        assert_eq!(apply("the 1980s"), "the nineteen eighties");
        assert_eq!(
            apply("in the 1980s and 1990s."),
            "in the nineteen eighties and nineteen nineties."
        );
        assert_eq!(apply("the 1900s"), "the nineteen hundreds");
        assert_eq!(apply("the 2000s"), "the 2000s");
        assert_eq!(apply("the '90s and the 90s"), "the '90s and the 90s");
    }

    #[test]
    fn ranges_of_years() {
        assert_eq!(
            apply("1990-1995"),
            "nineteen ninety to nineteen ninety-five"
        );
        assert_eq!(
            apply("1990–1995"),
            "nineteen ninety to nineteen ninety-five"
        );
        assert_eq!(
            apply("in 1990–95"),
            "in nineteen ninety to nineteen ninety-five"
        );
        assert_eq!(
            apply("from 1914 to 1918"),
            "from nineteen fourteen to nineteen eighteen"
        );
        assert_eq!(
            apply("between 2001 and 2019"),
            "between 2001 and twenty nineteen"
        );
        assert_eq!(apply("1995-1990"), "1995-1990");
    }

    #[test]
    fn dates() {
        assert_eq!(apply("on January 5"), "on January fifth");
        assert_eq!(
            apply("May 21st, 1999"),
            "May twenty-first, nineteen ninety-nine"
        );
        assert_eq!(apply("in January 2018"), "in January twenty eighteen");
        assert_eq!(apply("they may 5"), "they may 5");
    }

    #[test]
    fn a_year_that_opens_a_sentence_or_is_its_subject_is_a_year() {
        // zaro.info, History News Network, lhtrx blog (on 1968), Walden, a sage article.
        assert_eq!(apply("1968 stands as"), "nineteen sixty-eight stands as");
        assert_eq!(apply("1968…the year"), "nineteen sixty-eight…the year");
        assert_eq!(
            apply("Yet, 1968 represented"),
            "Yet, nineteen sixty-eight represented"
        );
        assert_eq!(
            apply("said that 1968 was"),
            "said that nineteen sixty-eight was"
        );
        assert_eq!(apply("March, 1845, I"), "March, eighteen forty-five, I");
        assert_eq!(
            apply("(Cohen, 1988; Hair"),
            "(Cohen, nineteen eighty-eight; Hair"
        );
        assert_eq!(apply("In Q1 2017, Apple"), "In Q1 twenty seventeen, Apple");
        assert_eq!(apply("1500 people came"), "1500 people came");
        assert_eq!(apply("He paid 1500 dollars"), "He paid 1500 dollars");
    }

    #[test]
    fn years_as_adjectives() {
        assert_eq!(
            apply("the 2018 Singapore agreement"),
            "the twenty eighteen Singapore agreement"
        );
        assert_eq!(
            apply("the 1992 election"),
            "the nineteen ninety-two election"
        );
        assert_eq!(apply("the 1500 people"), "the 1500 people");
    }
}
