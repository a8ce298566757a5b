//! Symbols and punctuation espeak-ng reads aloud or pauses on wrongly.
//!
//! - The horizontal bar `―` (U+2015) gets a 70 ms pause where an em dash gets about 300 ms
//!   (measured with espeak-ng 1.51 and sox), so it becomes a spaced em dash; so does a double
//!   hyphen `--` between words.
//! - `#1` is "hash one": it becomes "number 1"; `N°`, `Nº`, `№` become "number".
//! - `≈` means "about".

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

/// `#1`, `# 1` at the start of a word.
static HASH_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(^|[^\w&])#\s?(\d)").expect("static pattern"));

/// `N°`, `Nº`, `№` (with an optional period).
static NUMERO: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:\bN[°º]|№)\.?\s*").expect("static pattern"));

/// Rewrites symbols into words and pauses espeak-ng handles well.
pub(super) fn apply(text: &str) -> Cow<'_, str> {
    if !text.contains(['―', '#', '°', 'º', '№', '≈']) && !text.contains("--") {
        return Cow::Borrowed(text);
    }
    let text = text
        .replace('―', " — ")
        .replace(" -- ", " — ")
        .replace('≈', " about ");
    let text = HASH_NUMBER.replace_all(&text, "${1}number $2");
    let text = NUMERO.replace_all(&text, "number ");
    Cow::Owned(text.into_owned())
}

#[cfg(test)]
mod tests {
    use super::apply;

    fn tidy(text: &str) -> String {
        apply(text).split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn horizontal_bar_becomes_an_em_dash() {
        assert_eq!(tidy("with Kim ― demanding"), "with Kim — demanding");
        assert_eq!(tidy("Kim―demanding"), "Kim — demanding");
        assert_eq!(tidy("wait -- then"), "wait — then");
    }

    #[test]
    fn number_signs_are_said() {
        assert_eq!(tidy("#1"), "number 1");
        assert_eq!(tidy("ranked #12 in"), "ranked number 12 in");
        assert_eq!(tidy("N°. 5 and № 6"), "number 5 and number 6");
        assert_eq!(tidy("a #hashtag"), "a #hashtag");
    }

    #[test]
    fn ordinary_text_is_borrowed() {
        assert!(matches!(
            apply("Kim — demanding"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
