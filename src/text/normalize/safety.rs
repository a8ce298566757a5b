//! Engine safety: text from the script can never steer the engine.
//!
//! espeak-ng treats `[[...]]` as phoneme input, and when it runs with SSML enabled it obeys
//! `<voice>`, `<break/>`, `<audio>` and reads `&` as the start of an entity. A script is data,
//! so all of that is neutralized here, on every piece of text the lexicon did not claim
//! (the lexicon is the only source of `[[phonemes]]`):
//!
//! - square brackets become round ones (same pause, no phoneme mode);
//! - a tag-like `<name ...>` is read as its text, without the angle brackets; other `<`, `>`
//!   are read as "less than", "greater than";
//! - a bare `&` is read "and", as espeak-ng reads it in plain-text mode;
//! - control characters become spaces.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

/// `<voice name="x">`, `</p>`, `<break/>`, `<!-- -->`, `<?xml?>`.
static TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"<\s*([/!?]?[A-Za-z!?][^<>]*)>").expect("static pattern"));

/// Neutralizes everything that could switch the engine out of reading text.
pub(super) fn apply(text: &str) -> Cow<'_, str> {
    if !text.contains(['[', ']', '<', '>', '&']) && !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let text = TAG.replace_all(text, " $1 ");
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '[' => out.push('('),
            ']' => out.push(')'),
            '<' => out.push_str(" less than "),
            '>' => out.push_str(" greater than "),
            '&' => out.push_str(" and "),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::apply;

    fn tidy(text: &str) -> String {
        apply(text).split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn phoneme_brackets_are_neutralized() {
        assert_eq!(tidy("x [[h@'loU]] y"), "x ((h@'loU)) y");
        assert!(!apply("[[a]] ]] [[").contains("[["));
        assert!(!apply("[[a]] ]] [[").contains("]]"));
    }

    #[test]
    fn ssml_is_read_as_text() {
        assert_eq!(tidy("a <voice name=\"x\">b"), "a voice name=\"x\" b");
        assert_eq!(tidy("<break/> hi"), "break/ hi");
        assert_eq!(tidy("</speak>"), "/speak");
        assert!(!apply("<audio src='x'/>").contains('<'));
    }

    #[test]
    fn comparisons_and_ampersands_are_words() {
        assert_eq!(
            tidy("x < 5 and y > 2"),
            "x less than 5 and y greater than 2"
        );
        assert_eq!(tidy("salt & pepper"), "salt and pepper");
        assert_eq!(tidy("AT&T"), "AT and T");
    }

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(apply("plain text"), std::borrow::Cow::Borrowed(_)));
        assert_eq!(tidy("a\u{1}b"), "a b");
    }
}
