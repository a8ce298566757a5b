//! What a word ending in a period is, so the segmenter knows whether that period ends a sentence.
//!
//! UAX #29 treats every period before a capital letter or a digit as a sentence end. These
//! tables hold the knowledge it lacks; they are public so the normalizer can expand the same
//! words the segmenter refuses to split after.

use crate::text::calendar::{MONTHS, WEEKDAYS};

/// Titles written before a name ("Dr. Smith", "Mt. Fuji"): the period after them never ends
/// a sentence when a name follows. Lowercase, without the period.
pub const TITLES: &[&str] = &[
    "adm", "atty", "attys", "brig", "capt", "cmdr", "col", "const", "cpl", "det", "dr", "fr", "ft",
    "gen", "gov", "hon", "insp", "lt", "maj", "messrs", "mr", "mrs", "ms", "msgr", "mssrs", "mt",
    "pres", "prof", "pvt", "rep", "reps", "rev", "sen", "sens", "sgt", "st", "supt",
];

/// Other common abbreviations. Lowercase, without the final period; inner periods kept
/// ("e.g", "ph.d"). Dotted acronyms ("U.S.", "U.S.A.") are recognised by shape instead.
pub const ABBREVIATIONS: &[&str] = &[
    // Latin and scholarly.
    "al", "approx", "art", "c", "ca", "cf", "ch", "chap", "e.g", "ed", "eds", "eq", "esp", "est",
    "etc", "ex", "fig", "figs", "i.e", "ibid", "n.b", "no", "nos", "n°", "op", "p", "para", "pp",
    "ps", "pt", "ref", "sec", "ver", "viz", "vol", "vols", "vs", // Companies and places.
    "apt", "ave", "bldg", "blvd", "bros", "co", "corp", "dept", "inc", "jr", "llc", "ltd", "plc",
    "rd", "sr", "ste", "univ", // US states as news agencies write them.
    "ala", "ariz", "ark", "calif", "colo", "conn", "del", "fla", "ga", "ill", "ind", "kan", "ky",
    "la", "md", "mass", "mich", "minn", "miss", "mo", "mont", "neb", "nev", "okla", "ore", "pa",
    "tenn", "tex", "va", "vt", "wash", "wis", "wyo",
    // Units and measures written with a period.
    "cal", "cm", "ft", "hr", "hrs", "km", "lb", "lbs", "min", "mins", "oz", "sq", "yr", "yrs",
    // Months and weekdays.
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon",
    "tue", "tues", "wed", "thu", "thur", "thurs", "fri", // Degrees and times.
    "a.m", "p.m", "b.a", "b.sc", "m.a", "m.sc", "ph.d", "m.d", "ll.b",
];

/// Abbreviations that never end a sentence, whatever follows: "e.g. Paris", "cf. Smith".
const NEVER_FINAL: &[&str] = &["cf", "e.g", "i.e", "viz", "vs"];

/// Abbreviations that usually close a list or a measure, so that a capital word after them
/// more likely starts a sentence: "..., gear, etc. The", "about 35 lb. Others".
const USUALLY_FINAL: &[&str] = &[
    "al", "etc", "hr", "hrs", "lb", "lbs", "min", "mins", "oz", "yr", "yrs",
];

/// Closed-class words (pronouns, determiners, conjunctions, common adverbs and prepositions)
/// a sentence commonly starts with, lowercase. After an abbreviation ("U.S.", an initial,
/// "P.M.") they are strong evidence of a new sentence: "in the U.S. How about you?" splits,
/// "the U.S. Government" does not.
const SENTENCE_STARTERS: &[&str] = &[
    "a",
    "after",
    "all",
    "also",
    "although",
    "an",
    "and",
    "another",
    "anyone",
    "as",
    "at",
    "because",
    "before",
    "being",
    "both",
    "but",
    "by",
    "despite",
    "did",
    "do",
    "does",
    "during",
    "each",
    "either",
    "even",
    "every",
    "everybody",
    "everyone",
    "few",
    "finally",
    "first",
    "for",
    "from",
    "he",
    "her",
    "here",
    "his",
    "how",
    "however",
    "i",
    "if",
    "in",
    "indeed",
    "instead",
    "it",
    "its",
    "later",
    "many",
    "meanwhile",
    "millions",
    "more",
    "most",
    "my",
    "neither",
    "no",
    "nobody",
    "none",
    "not",
    "nothing",
    "now",
    "on",
    "once",
    "one",
    "only",
    "our",
    "several",
    "she",
    "since",
    "so",
    "some",
    "somebody",
    "someone",
    "still",
    "such",
    "that",
    "the",
    "their",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "though",
    "thus",
    "to",
    "today",
    "we",
    "what",
    "when",
    "where",
    "whether",
    "which",
    "while",
    "who",
    "why",
    "with",
    "yesterday",
    "yet",
    "you",
    "your",
];

/// Titles that commonly open a sentence ("Mr. Smith then went to the store.").
const STARTER_TITLES: &[&str] = &[
    "capt", "const", "det", "dr", "lt", "mr", "mrs", "ms", "prof", "sgt",
];

/// Capitalized words that continue a time or a date rather than start a sentence, beside
/// weekdays and months (but "May", which starts sentences as a verb): "at 8 p.m. Tuesday",
/// "9:39 a.m. EST", "3:22 p.m. Eastern time", "eBay Inc. Wednesday".
const CONTINUATIONS: &[&str] = &[
    "eastern", "pacific", "central", "mountain", "est", "edt", "et", "cst", "cdt", "ct", "mst",
    "mdt", "pst", "pdt", "pt", "gmt", "utc", "bst", "cet",
];

/// Prepositions that open a time or place phrase: "At 5 a.m." is not a sentence.
const OPENING_PREPOSITIONS: &[&str] = &[
    "after", "around", "at", "before", "by", "from", "in", "on", "since", "until",
];

/// How a word ending in a period relates to sentence ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A title before a name: "Dr.", "Mt.".
    Title,
    /// Never sentence-final: "e.g.", "cf.".
    NeverFinal,
    /// One capital letter: "E." of "Jonas E. Smith".
    Initial,
    /// A dotted acronym: "U.S.", "Ph.D.".
    Acronym,
    /// "a.m." and "p.m.": often the last word of a sentence.
    Time,
    /// A list or measure closer: "etc.", "lbs.", "hrs.".
    UsuallyFinal,
    /// Any other known abbreviation ("Co.", "Calif.", "p.", "Jan.").
    Plain,
}

/// True when `word` (with or without its final period, any case) is a known abbreviation, a
/// title, or a dotted acronym such as "U.S." or "Ph.D.".
pub fn is_abbreviation(word: &str) -> bool {
    let stem = word.strip_suffix('.').unwrap_or(word);
    let lower = stem.to_lowercase();
    TITLES.contains(&lower.as_str())
        || ABBREVIATIONS.contains(&lower.as_str())
        || is_dotted_acronym(stem)
}

/// Classifies the last word before a period, given without that period ("Dr", "U.S", "E").
/// `None` when it is an ordinary word.
pub(crate) fn kind(stem: &str) -> Option<Kind> {
    let lower = stem.to_lowercase();
    let lower = lower.as_str();
    if NEVER_FINAL.contains(&lower) {
        Some(Kind::NeverFinal)
    } else if TITLES.contains(&lower) {
        Some(Kind::Title)
    } else if matches!(lower, "a.m" | "p.m") {
        Some(Kind::Time)
    } else if is_dotted_acronym(stem) {
        Some(Kind::Acronym)
    } else if is_initial(stem) {
        Some(Kind::Initial)
    } else if USUALLY_FINAL.contains(&lower) {
        Some(Kind::UsuallyFinal)
    } else if ABBREVIATIONS.contains(&lower) {
        Some(Kind::Plain)
    } else {
        None
    }
}

/// "E" of "Jonas E. Smith": one capital letter.
fn is_initial(stem: &str) -> bool {
    let mut chars = stem.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if c.is_uppercase())
}

/// "U.S", "U.S.A", "a.m", "Ph.D": letter groups of one or two, joined by periods (the final
/// period already stripped).
fn is_dotted_acronym(stem: &str) -> bool {
    let parts: Vec<&str> = stem.split('.').collect();
    parts.len() >= 2
        && parts.iter().all(|part| {
            let count = part.chars().count();
            (1..=2).contains(&count) && part.chars().all(char::is_alphabetic)
        })
}

/// The leading letters of `token` (after any opening punctuation), and what follows them.
fn leading_word(token: &str) -> (&str, &str) {
    let token = token.trim_start_matches(|c: char| !c.is_alphanumeric());
    let end = token
        .find(|c: char| !c.is_alphabetic())
        .unwrap_or(token.len());
    token.split_at(end)
}

/// True when `token` (the first word after a candidate sentence end, as written) is a word
/// a new sentence commonly starts with. An initial ("A." of "J. A. Smith") is not.
pub(crate) fn is_sentence_starter(token: &str) -> bool {
    let (word, rest) = leading_word(token);
    let lower = word.to_lowercase();
    if rest.starts_with('.') {
        return STARTER_TITLES.contains(&lower.as_str());
    }
    word.chars().next().is_some_and(char::is_uppercase)
        && SENTENCE_STARTERS.contains(&lower.as_str())
}

/// True when `token` continues a time or a date: a weekday, a month, a time zone.
pub(crate) fn is_continuation(token: &str) -> bool {
    let (word, _) = leading_word(token);
    let lower = word.to_lowercase();
    let lower = lower.as_str();
    let dated = WEEKDAYS.contains(&lower) || (MONTHS.contains(&lower) && lower != "may");
    word.chars().next().is_some_and(char::is_uppercase) && (dated || CONTINUATIONS.contains(&lower))
}

/// True when `text` is only a short opening phrase such as "At 5 a.m.": a preposition and at
/// most three more words, too little to be a sentence of its own.
pub(crate) fn is_opening_phrase(text: &str) -> bool {
    let mut words = text.split_whitespace();
    let first = words.next().unwrap_or("").to_lowercase();
    OPENING_PREPOSITIONS.contains(&first.as_str()) && words.count() <= 3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_titles_acronyms_and_plain_abbreviations() {
        assert!(is_abbreviation("Dr."));
        assert!(is_abbreviation("dr"));
        assert!(is_abbreviation("U.S."));
        assert!(is_abbreviation("Ph.D."));
        assert!(is_abbreviation("etc."));
        assert!(!is_abbreviation("cat."));
        assert!(!is_abbreviation("E."), "initials are not abbreviations");
        assert_eq!(kind("Mr"), Some(Kind::Title));
        assert_eq!(kind("U.S"), Some(Kind::Acronym));
        assert_eq!(kind("E"), Some(Kind::Initial));
        assert_eq!(kind("p.m"), Some(Kind::Time));
        assert_eq!(kind("lbs"), Some(Kind::UsuallyFinal));
        assert_eq!(kind("Calif"), Some(Kind::Plain));
        assert_eq!(kind("e.g"), Some(Kind::NeverFinal));
        assert_eq!(kind("Co"), Some(Kind::Plain));
        assert_eq!(kind("house"), None);
        assert_eq!(kind("100.00"), None);
    }

    #[test]
    fn starters_are_capitalised_words_not_initials() {
        assert!(is_sentence_starter("How"));
        assert!(is_sentence_starter("\"The"));
        assert!(is_sentence_starter("It's"));
        assert!(is_sentence_starter("Mr."));
        assert!(!is_sentence_starter("A."));
        assert!(!is_sentence_starter("the"));
        assert!(!is_sentence_starter("Government"));
    }

    #[test]
    fn weekdays_months_but_may_and_time_zones_continue_a_date() {
        for word in [
            "Tuesday", "Sunday", "January", "June", "December", "EST", "Eastern",
        ] {
            assert!(is_continuation(word), "{word}");
        }
        for word in ["May", "tuesday", "Government", "The"] {
            assert!(!is_continuation(word), "{word}");
        }
    }
}
