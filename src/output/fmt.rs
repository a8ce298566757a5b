//! Times and titles as the listings write them.
//!
//! Every listing rounds through [`millis`], so all of them agree on every time to the
//! millisecond. Chapter times come from [`spans`] alone, which rounds each boundary once, as
//! the MP3's CHAP frames do: a chapter ends exactly where the next one starts, in every
//! listing and in the MP3 (rounding a start and a duration separately would put some ends a
//! millisecond before or after the next start). Dates ([`rfc3339`], [`rfc2822`]) are whole
//! seconds in UTC.

use std::time::{Duration, SystemTime};

use time::format_description::well_known::{Rfc2822, Rfc3339};
use time::OffsetDateTime;

use super::Span;

/// Milliseconds, rounded to nearest (halves up). Saturates past `u64::MAX` ms.
pub fn millis(d: Duration) -> u64 {
    let ms = (d.as_nanos() + 500_000) / 1_000_000;
    u64::try_from(ms).unwrap_or(u64::MAX)
}

/// Each chapter's (or track's) start and end in whole milliseconds, in order.
///
/// A boundary is rounded once ([`millis`] of the time in the program), and a chapter's end
/// is the next chapter's start (the chapters of a [`super::Program`] follow one another
/// without gaps, and so do its tracks), so the spans are contiguous to the millisecond; the
/// last one ends at its own rounded end. A chapter boundary is a track boundary, rounded
/// the same way, so chapters and tracks agree where they meet. The MP3's CHAP frames use
/// the same times.
pub fn spans<S: Span>(chapters: &[S]) -> Vec<(u64, u64)> {
    let mut spans: Vec<(u64, u64)> = Vec::with_capacity(chapters.len());
    for (i, chapter) in chapters.iter().enumerate() {
        let start = millis(chapter.start());
        let end = chapters
            .get(i + 1)
            .map_or_else(|| millis(chapter.end()), |next| millis(next.start()));
        spans.push((start, end.max(start)));
    }
    spans
}

/// Where the last chapter ends, in whole milliseconds (as [`spans`] says; 0 without chapters).
pub fn end<S: Span>(chapters: &[S]) -> u64 {
    chapters
        .last()
        .map_or(0, |c| millis(c.end()).max(millis(c.start())))
}

/// Seconds with three decimals: `12.345`.
pub fn seconds(ms: u64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

/// Seconds as a float that prints as its three decimals (`12.345`, not `12.345000000001`):
/// the quotient is correctly rounded, so it is the float nearest the decimal.
pub fn seconds_f64(ms: u64) -> f64 {
    // Exact for any program shorter than 285 000 years (2^53 ms).
    #[allow(clippy::cast_precision_loss)] // see above
    let whole = ms as f64;
    whole / 1000.0
}

/// `hh:mm:ss` + `frac_sep` + `mmm`, hours at least two digits (WebVTT, SubRip).
pub fn clock(ms: u64, frac_sep: char) -> String {
    let (h, m, s, f) = parts(ms);
    format!("{h:02}:{m:02}:{s:02}{frac_sep}{f:03}")
}

/// `h:mm:ss.mmm`, for people.
pub fn hms(ms: u64) -> String {
    let (h, m, s, f) = parts(ms);
    format!("{h}:{m:02}:{s:02}.{f:03}")
}

/// `m:ss.mmm` under an hour, else `h:mm:ss.mmm`, for people.
pub fn short(ms: u64) -> String {
    let (h, m, s, f) = parts(ms);
    if h == 0 {
        format!("{m}:{s:02}.{f:03}")
    } else {
        hms(ms)
    }
}

fn parts(ms: u64) -> (u64, u64, u64, u64) {
    let secs = ms / 1000;
    (secs / 3600, secs / 60 % 60, secs % 60, ms % 1000)
}

/// Text on one line: every run of whitespace (newlines, tabs, U+2028...) becomes one
/// space, other control characters go, and the ends are trimmed.
pub fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if word.chars().all(char::is_control) {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().filter(|c| !c.is_control()));
    }
    out
}

/// [`one_line`] of `text`, or `otherwise` when that is empty.
pub fn one_line_or(text: &str, otherwise: &str) -> String {
    let line = one_line(text);
    if line.is_empty() {
        otherwise.to_owned()
    } else {
        line
    }
}

/// `value` as pretty-printed JSON with a final newline, as the JSON listings are written.
pub fn pretty_json(value: &impl serde::Serialize) -> String {
    let mut out =
        serde_json::to_string_pretty(value).expect("strings and finite floats always serialize");
    out.push('\n');
    out
}

/// A whole second in UTC; before 1970 or past 9999, the nearest of those ends.
fn utc(t: SystemTime) -> OffsetDateTime {
    let max = OffsetDateTime::new_utc(
        time::Date::from_calendar_date(9999, time::Month::December, 31).expect("a valid date"),
        time::Time::MIDNIGHT,
    );
    let secs = t
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    i64::try_from(secs)
        .ok()
        .and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok())
        .map_or(max, |d| d.min(max))
}

/// `2024-05-01T09:30:00Z` (EPUB `dcterms:modified`).
pub fn rfc3339(t: SystemTime) -> String {
    utc(t)
        .format(&Rfc3339)
        .expect("a UTC time in years 1970-9999 formats")
}

/// `Wed, 01 May 2024 09:30:00 +0000` (RSS `pubDate`).
pub fn rfc2822(t: SystemTime) -> String {
    utc(t)
        .format(&Rfc2822)
        .expect("a UTC time in years 1970-9999 formats")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn millis_rounds_half_up() {
        assert_eq!(millis(Duration::from_nanos(1_000_499_999)), 1000);
        assert_eq!(millis(Duration::from_nanos(1_000_500_000)), 1001);
        assert_eq!(millis(Duration::ZERO), 0);
        assert_eq!(millis(Duration::MAX), u64::MAX);
    }

    #[test]
    fn formats() {
        let ms = 3_723_004; // 1 h 2 min 3.004 s
        assert_eq!(seconds(ms), "3723.004");
        assert_eq!(seconds(5), "0.005");
        assert_eq!(clock(ms, ','), "01:02:03,004");
        assert_eq!(clock(ms, '.'), "01:02:03.004");
        assert_eq!(clock(360_000_000, '.'), "100:00:00.000");
        assert_eq!(hms(ms), "1:02:03.004");
        assert_eq!(short(ms), "1:02:03.004");
        assert_eq!(short(63_004), "1:03.004");
        assert_eq!(short(4), "0:00.004");
    }

    #[test]
    fn seconds_f64_prints_three_decimals() {
        for ms in [0, 1, 12_345, 1_001, 3_599_999, 86_399_999, 123_456_789_012] {
            let printed = serde_json::to_string(&seconds_f64(ms)).unwrap_or_default();
            let back: f64 = printed.parse().unwrap_or(f64::NAN);
            assert_eq!((back * 1000.0).round(), ms as f64, "{printed}");
            let decimals = printed.split('.').nth(1).map_or(0, str::len);
            assert!(decimals <= 3, "{printed}");
        }
    }

    #[test]
    fn dates_are_whole_utc_seconds() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_millis(1_714_555_800_999);
        assert_eq!(rfc3339(t), "2024-05-01T09:30:00Z");
        assert_eq!(rfc2822(t), "Wed, 01 May 2024 09:30:00 +0000");
        assert_eq!(rfc3339(SystemTime::UNIX_EPOCH), "1970-01-01T00:00:00Z");
        let far = SystemTime::UNIX_EPOCH + Duration::from_secs(400_000_000_000);
        assert_eq!(rfc3339(far), "9999-12-31T00:00:00Z");
    }

    #[test]
    fn one_line_collapses_whitespace() {
        assert_eq!(one_line("  a\n\nb\tc\u{2028}d\r\n"), "a b c d");
        assert_eq!(one_line("x\u{7}y"), "xy");
        assert_eq!(one_line("a \u{1} b \u{7}"), "a b");
        assert_eq!(one_line(""), "");
    }
}
