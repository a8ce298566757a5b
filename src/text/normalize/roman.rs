//! Roman numerals after names and headings.
//!
//! espeak-ng says "World War roman two" and "Henry roman eight". A numeral after a word that
//! counts parts (`World War`, `Chapter`, `Part`, `Volume`, `Act`, `Super Bowl`, ...) is a
//! cardinal ("Chapter four"); after a capitalized name it is a regnal ordinal ("Henry the
//! eighth", "Louis the fourteenth"). To leave the pronoun and acronyms alone (`you and I`,
//! `Washington DC`, `MIX`), a numeral after a name must be two letters or more of I, V and X
//! only; a lone `I` counts only after a monarch's name (`Elizabeth I`), a lone `V` or `X` never
//! after a name.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::{Captures, Regex};

use super::words;

/// Words after which a numeral is a plain number.
const COUNTED: &str = "World War|Chapter|Part|Volume|Vol|Book|Act|Scene|Section|Article|Title|\
    Phase|Round|Stage|Level|Appendix|Psalm|Canto|Super Bowl|Apollo|Star Wars|Episode|Class|Type|\
    Grade|Amendment|Schedule|Annex|Tier|Category";

/// Names that take a lone `I`.
const MONARCHS: &[&str] = &[
    "Elizabeth",
    "Charles",
    "James",
    "George",
    "William",
    "Henry",
    "Edward",
    "Richard",
    "Mary",
    "Louis",
    "Napoleon",
    "Peter",
    "Catherine",
    "Nicholas",
    "Alexander",
    "Frederick",
    "Philip",
    "Francis",
    "Victor",
    "Leopold",
    "Wilhelm",
    "Ferdinand",
    "Gustav",
    "Selim",
    "Suleiman",
];

static AFTER_COUNTED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"\b({COUNTED})\.?\s+([IVXLCDM]+)\b")).expect("static pattern")
});

static AFTER_NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b([A-Z][a-z]+)\s+([IVX]+)\b").expect("static pattern"));

/// Says Roman numerals in the places they are used.
pub(super) fn apply(text: &str) -> Cow<'_, str> {
    if !text.contains(['I', 'V', 'X', 'L', 'C', 'D', 'M']) {
        return Cow::Borrowed(text);
    }
    let text = replace(text, &AFTER_COUNTED, |c| {
        let n = value(&c[2])?;
        Some(format!("{} {}", &c[1], words::cardinal_of(n)?))
    });
    let text = replace(&text, &AFTER_NAME, |c| {
        let (name, numeral) = (&c[1], &c[2]);
        let lone = numeral.len() == 1;
        if lone && !(numeral == "I" && MONARCHS.contains(&name)) {
            return None;
        }
        let n = value(numeral)?;
        Some(format!("{name} the {}", words::ordinal_of(n)?))
    });
    Cow::Owned(text.into_owned())
}

/// `replace_all` where `say` may decline, and a numeral glued to an apostrophe other than a
/// possessive (`I'm`) is left alone.
fn replace<'t>(
    text: &'t str,
    re: &Regex,
    say: impl Fn(&Captures) -> Option<String>,
) -> Cow<'t, str> {
    super::replace_in_context(text, re, |c, _, rest| {
        // `I'm`, `I'd`: a pronoun; `XIV's` and `II-era` are still numerals.
        let after_mark = rest.strip_prefix('\'').or_else(|| rest.strip_prefix('’'));
        let glued = after_mark.is_some_and(|r| !r.starts_with(['s', 'S']));
        say(c).filter(|_| !glued)
    })
}

/// The value of a well-formed Roman numeral (1 to 3999), `None` for anything else.
fn value(numeral: &str) -> Option<u64> {
    let digit = |c: char| match c {
        'I' => Some(1),
        'V' => Some(5),
        'X' => Some(10),
        'L' => Some(50),
        'C' => Some(100),
        'D' => Some(500),
        'M' => Some(1000),
        _ => None,
    };
    let digits: Vec<u64> = numeral.chars().map(digit).collect::<Option<_>>()?;
    let mut total = 0;
    for (i, &d) in digits.iter().enumerate() {
        match digits.get(i + 1) {
            Some(&next) if next > d => total -= d as i64,
            _ => total += d as i64,
        }
    }
    let total = u64::try_from(total)
        .ok()
        .filter(|t| (1..4000).contains(t))?;
    // Only the canonical spelling is a numeral: `IIII`, `VX`, `IC` are not.
    (canonical(total) == numeral).then_some(total)
}

fn canonical(mut n: u64) -> String {
    const PARTS: [(u64, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (v, s) in PARTS {
        while n >= v {
            out.push_str(s);
            n -= v;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{apply, value};

    #[test]
    fn numerals_after_counted_things_are_cardinals() {
        assert_eq!(apply("World War II"), "World War two");
        assert_eq!(
            apply("after World War I ended"),
            "after World War one ended"
        );
        assert_eq!(apply("Chapter IV"), "Chapter four");
        assert_eq!(apply("Super Bowl LVII"), "Super Bowl fifty-seven");
        assert_eq!(apply("Part XII."), "Part twelve.");
        assert_eq!(
            apply("a World War II-era plane"),
            "a World War two-era plane"
        );
    }

    #[test]
    fn numerals_after_names_are_regnal() {
        assert_eq!(apply("Henry VIII"), "Henry the eighth");
        assert_eq!(apply("Louis XIV"), "Louis the fourteenth");
        assert_eq!(apply("Elizabeth II"), "Elizabeth the second");
        assert_eq!(apply("Elizabeth I"), "Elizabeth the first");
        assert_eq!(apply("Louis XIV's court"), "Louis the fourteenth's court");
        assert_eq!(apply("Louis XIV’s court"), "Louis the fourteenth’s court");
        assert_eq!(
            apply("Pope John XXIII said"),
            "Pope John the twenty-third said"
        );
    }

    #[test]
    fn pronouns_and_acronyms_stay() {
        for text in [
            "you and I",
            "Then I went",
            "Washington DC",
            "the MIX tape",
            "Malcolm X",
            "Trump and I",
            "when Kim I met",
            "Henry I'm sure",
        ] {
            assert_eq!(apply(text), text);
        }
    }

    #[test]
    fn only_canonical_numerals_count() {
        assert_eq!(value("XIV"), Some(14));
        assert_eq!(value("MCMXCIX"), Some(1999));
        assert_eq!(value("IIII"), None);
        assert_eq!(value("VX"), None);
        assert_eq!(value("IC"), None);
    }
}
