//! Symbols and punctuation espeak-ng reads aloud or pauses on wrongly.
//!
//! - The horizontal bar `―` (U+2015) gets a 70 ms pause where an em dash gets about 300 ms
//!   (measured with espeak-ng 1.51 and sox), so it becomes a spaced em dash; so does a double
//!   hyphen `--` between words.
//! - `#1` is "hash one": it becomes "number 1"; `N°`, `Nº`, `№` become "number".
//! - `≈` means "about"; `§ 1001` is "section 1001", `§§` "sections".
//! - Dimensions: `10 x 15 feet`, `6×9` are "10 by 15 feet", "6 by 9".
//! - A degree sign without a scale: `95°` is "95 degrees" (`°C` and `°F` are units).

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

/// `#1`, `# 1` at the start of a word.
static HASH_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(^|[^\w&])#\s?(\d)").expect("static pattern"));

/// `N°`, `Nº`, `№` (with an optional period).
static NUMERO: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:\bN[°º]|№)\.?\s*").expect("static pattern"));

/// `10 x 15`, `6×9`, `8x8-inch`: a dimension between two numbers.
static DIMENSION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\d+(?:\.\d+)?)\s?[x×]\s?(\d)").expect("static pattern"));

/// `95°`, `10° jump`: degrees without a scale.
static DEGREES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\d+(?:\.\d+)?)\s?°([^CF]|$)").expect("static pattern"));

/// Rewrites symbols into words and pauses espeak-ng handles well.
pub(super) fn apply(text: &str) -> Cow<'_, str> {
    let dimension = text.contains('×') || DIMENSION.is_match(text);
    if !text.contains(['―', '#', '°', 'º', '№', '≈', '§']) && !text.contains("--") && !dimension
    {
        return Cow::Borrowed(text);
    }
    let text = text
        .replace('―', " — ")
        .replace(" -- ", " — ")
        .replace('≈', " about ")
        .replace("§§", " sections ")
        .replace('§', " section ");
    let text = DIMENSION.replace_all(&text, "$1 by $2");
    let text = DEGREES.replace_all(&text, |c: &regex::Captures| {
        let unit = if &c[1] == "1" { "degree" } else { "degrees" };
        format!("{} {unit}{}", &c[1], &c[2])
    });
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
    fn sections_dimensions_and_degrees_are_said() {
        // United States v. Samueli (C.D. Cal. 2008); Fine Cooking; a Walden blog; WXOW.
        assert_eq!(tidy("18 U.S.C. § 1001."), "18 U.S.C. section 1001.");
        assert_eq!(
            tidy("only measured 10 x 15 feet"),
            "only measured 10 by 15 feet"
        );
        assert_eq!(tidy("a 6×9 closet"), "a 6 by 9 closet");
        assert_eq!(tidy("two 8x8-inch dishes"), "two 8 by 8-inch dishes");
        assert_eq!(tidy("near 95°, our"), "near 95 degrees, our");
        assert_eq!(tidy("a 10° jump"), "a 10 degrees jump");
        assert_eq!(tidy("20°C"), "20°C");
        assert_eq!(tidy("the x factor of 5"), "the x factor of 5");
    }

    #[test]
    fn ordinary_text_is_borrowed() {
        assert!(matches!(
            apply("Kim — demanding"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
