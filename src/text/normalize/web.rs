//! E-mail addresses and URLs, read the way people say them.
//!
//! espeak-ng reads `johnburtonft@yahoo.com` as one mumbled word and a URL scheme and all
//! ("H T T P S colon slash slash"). Here an address becomes "local at domain dot com", its
//! local part split at dots, dashes, underscores, digits and case changes; a URL loses its
//! scheme, `www.`, query and fragment, and its dots and slashes are said. A local part that is
//! several words run together (`johnburtonft`) cannot be split by rule: that is what the
//! lexicon is for. This runs before the other rules so that none of them sees these dots.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::{Captures, Regex};

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b([A-Za-z0-9][A-Za-z0-9._%+-]*)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})\b",
    )
    .expect("static pattern")
});

/// A URL with a scheme, or starting `www.`, or a bare domain under a common top-level domain.
static URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"\b(?:(?:https?|ftp)://(?:www\.)?([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)",
        r"|www\.([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)",
        r"|([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:com|org|net|edu|gov|io|info|co\.uk|org\.uk|dev))\b)",
        r"((?:/[^\s()<>\[\]]*)?)",
    ))
    .expect("static pattern")
});

/// Speaks e-mail addresses and URLs.
pub(super) fn apply(text: &str) -> Cow<'_, str> {
    if !text.contains(['@', '.']) {
        return Cow::Borrowed(text);
    }
    let text = EMAIL.replace_all(text, |c: &Captures| {
        format!("{} at {}", local_part(&c[1]), dotted(&c[2]))
    });
    match URL.replace_all(&text, url) {
        Cow::Borrowed(_) => text,
        Cow::Owned(s) => Cow::Owned(s),
    }
}

fn url(c: &Captures) -> String {
    let host = c
        .get(1)
        .or(c.get(2))
        .or(c.get(3))
        .map_or("", |m| m.as_str());
    let raw_path = c.get(4).map_or("", |m| m.as_str());
    // Sentence punctuation after the URL is not part of it; the path ends at a query or a
    // fragment, which nobody reads aloud.
    let core = raw_path.trim_end_matches(['.', ',', ';', ':', '!', '?']);
    let punct = &raw_path[core.len()..];
    let path = core.split(['?', '#']).next().unwrap_or("");
    let mut spoken = dotted(host);
    for part in path.split('/').filter(|p| !p.is_empty()) {
        spoken.push_str(" slash ");
        spoken.push_str(&dotted(&part.replace(['-', '_'], " ")));
    }
    format!("{spoken}{punct}")
}

/// `yahoo.com` -> "yahoo dot com".
fn dotted(host: &str) -> String {
    host.split('.')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" dot ")
}

/// `john.smith_2` -> "john dot smith underscore 2"; `JohnSmith99` -> "John Smith 99".
fn local_part(local: &str) -> String {
    let mut out = String::with_capacity(local.len() + 16);
    let mut prev: Option<char> = None;
    for c in local.chars() {
        let word = match c {
            '.' => Some(" dot "),
            '_' => Some(" underscore "),
            '-' => Some(" dash "),
            '+' => Some(" plus "),
            '%' => Some(" percent "),
            _ => None,
        };
        if let Some(word) = word {
            out.push_str(word);
        } else {
            let split = prev.is_some_and(|p| {
                (p.is_ascii_digit() != c.is_ascii_digit()) || (p.is_lowercase() && c.is_uppercase())
            });
            if split {
                out.push(' ');
            }
            out.push(c);
        }
        prev = Some(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::apply;

    fn tidy(text: &str) -> String {
        apply(text).split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn email_addresses_are_spelled_out() {
        assert_eq!(
            tidy("johnburtonft@yahoo.com"),
            "johnburtonft at yahoo dot com"
        );
        assert_eq!(
            tidy("write to john.smith_2@mail.example.org."),
            "write to john dot smith underscore 2 at mail dot example dot org."
        );
        assert_eq!(tidy("JohnSmith99@x.com"), "John Smith 99 at x dot com");
    }

    #[test]
    fn urls_lose_scheme_and_www() {
        assert_eq!(tidy("https://example.org/a"), "example dot org slash a");
        assert_eq!(tidy("see www.example.com."), "see example dot com.");
        assert_eq!(
            tidy("at http://www.x.net/a-b/c?q=1#f, then"),
            "at x dot net slash a b slash c, then"
        );
        assert_eq!(tidy("on example.com/"), "on example dot com");
    }

    #[test]
    fn ordinary_dots_are_left_alone() {
        assert_eq!(
            tidy("the U.S. and e.g. this 4.5%"),
            "the U.S. and e.g. this 4.5%"
        );
        assert!(matches!(apply("no address"), std::borrow::Cow::Borrowed(_)));
    }
}
