//! Whether a period after an abbreviation, or before a word UAX #29 does not break at, ends
//! a sentence: the evidence on both sides of it, weighed in one place.
//!
//! Rule-by-rule exceptions contradict each other on real prose ("Inc. The" ends a sentence,
//! "Ltd. Finance Director" does not; "a.m. Results" does, "a.m. Tuesday" does not), so each
//! side gives a score instead: the word before the period says how often such a word ends a
//! sentence ([`prior`]), the word after it how likely it starts one ([`Next`]). The period
//! ends the sentence when the sum is positive. A lowercase word never starts a sentence, a
//! short opening phrase ("At 5 a.m.") is never one, and "e.g." never ends one.

use super::abbreviations::{self, Kind};

/// What the first word after a candidate sentence end looks like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Next {
    /// A lowercase word: "alleging", "co-founder". Never a sentence start.
    Lower,
    /// A capitalized closed-class word or a title before a name: "The", "He", "Nobody", "Mr.".
    Starter,
    /// A weekday, a month or a time zone: "Tuesday", "EST", "Eastern".
    Continuation,
    /// A number or an amount: "4 miles", "2004 was", "$28.12".
    Number,
    /// An opening bracket: "(SSK)", "(WETM)".
    Bracket,
    /// Any other capitalized word, or a brand such as "eBay" or "iPhone": a name continuing
    /// the phrase as often as a sentence start.
    Capital,
    /// Punctuation or nothing.
    Other,
}

/// Classifies the word that follows a candidate sentence end (leading spaces allowed).
pub(super) fn next_word(next: &str) -> Next {
    let token = next.split_whitespace().next().unwrap_or("");
    if token.starts_with(['(', '[']) {
        return Next::Bracket;
    }
    let bare = token.trim_start_matches(['"', '\'', '“', '‘', '«']);
    let Some(first) = bare.chars().next() else {
        return Next::Other;
    };
    if first.is_ascii_digit() || "$£€¥".contains(first) {
        Next::Number
    } else if abbreviations::is_continuation(bare) {
        Next::Continuation
    } else if abbreviations::is_sentence_starter(bare) {
        Next::Starter
    } else if first.is_uppercase() || is_brand(bare) {
        Next::Capital
    } else if first.is_lowercase() {
        Next::Lower
    } else {
        Next::Other
    }
}

/// "eBay", "iPhone", "iOS": a lowercase letter, then a capital within the same word.
pub(super) fn is_brand(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(char::is_lowercase)
        && chars
            .take_while(|c| c.is_alphabetic())
            .any(char::is_uppercase)
}

/// How strongly the word before the period (`stem`, without it) ends sentences: an ordinary
/// word almost always, a title almost never. `None` for an abbreviation that never does.
fn prior(stem: &str) -> Option<i32> {
    Some(match abbreviations::kind(stem) {
        None => 3,
        Some(Kind::NeverFinal) => return None,
        Some(Kind::Title | Kind::Initial) => -2,
        Some(Kind::Acronym) => -1,
        Some(Kind::Plain) => 0,
        Some(Kind::Time | Kind::UsuallyFinal) => 1,
    })
}

/// How strongly the next word starts a sentence. `None` for a lowercase word.
fn weight(next: Next) -> Option<i32> {
    Some(match next {
        Next::Lower => return None,
        Next::Starter => 3,
        Next::Capital | Next::Other => 0,
        Next::Number => -1,
        Next::Bracket | Next::Continuation => -2,
    })
}

/// Whether the period that ends `before` (whose last word, without the period, is `stem`)
/// ends the sentence, given the text that follows.
pub(super) fn period_ends_sentence(before: &str, stem: &str, next: &str) -> bool {
    let (Some(prior), Some(weight)) = (prior(stem), weight(next_word(next))) else {
        return false;
    };
    let opening = prior < 3 && abbreviations::is_opening_phrase(before);
    !opening && prior + weight > 0
}

/// Words that tag a quotation with its speaker: "“Has anything escaped me?” I asked".
const SPEECH_VERBS: &[&str] = &[
    "added",
    "answered",
    "asked",
    "continued",
    "cried",
    "exclaimed",
    "murmured",
    "replied",
    "said",
    "says",
    "shouted",
    "whispered",
    "wrote",
];

/// True when `next` opens a speech tag after a quotation: a pronoun or a capitalized name,
/// then a speech verb ("I asked", "Holmes cried"), or the verb itself ("Said he").
pub(super) fn is_speech_tag(next: &str) -> bool {
    let mut words = next
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphabetic()).to_lowercase());
    let (Some(first), second) = (words.next(), words.next()) else {
        return false;
    };
    SPEECH_VERBS.contains(&first.as_str())
        || second.is_some_and(|verb| SPEECH_VERBS.contains(&verb.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_words_are_classified_by_their_shape_and_class() {
        assert_eq!(next_word(" The"), Next::Starter);
        assert_eq!(next_word("Nobody objected."), Next::Starter);
        assert_eq!(next_word("Mr. Smith"), Next::Starter);
        assert_eq!(next_word("Tuesday, the"), Next::Continuation);
        assert_eq!(next_word("EST from"), Next::Continuation);
        assert_eq!(next_word("4 miles"), Next::Number);
        assert_eq!(next_word("$28.12."), Next::Number);
        assert_eq!(next_word("(SSK), resolving"), Next::Bracket);
        assert_eq!(next_word("Finance Director"), Next::Capital);
        assert_eq!(next_word("\"iPhone X"), Next::Capital);
        assert_eq!(next_word("alleging"), Next::Lower);
        assert_eq!(next_word("- The"), Next::Other);
        assert_eq!(next_word(""), Next::Other);
    }

    #[test]
    fn brands_start_lowercase_and_hold_a_capital() {
        assert!(is_brand("eBay"));
        assert!(is_brand("iPhone"));
        assert!(!is_brand("ebay"));
        assert!(!is_brand("Apple"));
        assert!(!is_brand("e-Bay"));
    }

    #[test]
    fn speech_tags_are_a_speaker_and_a_verb() {
        assert!(is_speech_tag("I asked, with some self-importance."));
        assert!(is_speech_tag("Holmes cried."));
        assert!(is_speech_tag("said he."));
        assert!(!is_speech_tag("She held the book out to show him."));
        assert!(!is_speech_tag(""));
    }
}
