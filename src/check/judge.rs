//! From a candidate and what the engine says to a finding: is the word in the dictionary,
//! does the engine say it the dictionary's way, and what lexicon entry would fix it.

use super::compare::{distance, DISAGREES};
use super::scan::{is_initials, Candidate};
use super::sounds::{arpabet_to_espeak, from_arpabet, from_espeak};
use super::{dict, Finding, Kind};
use crate::text::normalize::{self, Lexicon};

/// The candidate as written (its identity within a paragraph).
pub fn written(candidate: &Candidate) -> &str {
    match candidate {
        Candidate::Word { word, .. } => word,
        Candidate::Acronym { word, .. } => word,
        Candidate::Number(chunk) | Candidate::Symbol(chunk) => chunk,
    }
}

/// The texts whose phonemes judging `candidate` needs.
pub fn to_phonemize(candidate: &Candidate) -> Vec<&str> {
    match candidate {
        Candidate::Word { word, .. } => {
            let head = headword(word);
            let mut texts = vec![head];
            if head.contains('-') {
                texts.extend(parts(head));
            }
            texts
        }
        Candidate::Acronym { word, spelled } => vec![word, spelled],
        Candidate::Number(chunk) | Candidate::Symbol(chunk) => vec![chunk],
    }
}

/// The word without a possessive `'s` (`Washington's`): the form looked up and spoken alone.
fn headword(word: &str) -> &str {
    ["'s", "’s", "'S", "’S"]
        .iter()
        .find_map(|s| word.strip_suffix(s))
        .filter(|w| !w.is_empty())
        .unwrap_or(word)
}

/// The finding for `candidate`, if it is one; `said` gives the engine's phoneme names for a
/// text of [`to_phonemize`].
pub fn judge<'a>(candidate: &Candidate, said: &dyn Fn(&str) -> &'a [String]) -> Option<Finding> {
    match candidate {
        Candidate::Word {
            word,
            rewritten_chunk,
            first,
        } => judge_word(word, rewritten_chunk.as_deref(), *first, said),
        Candidate::Acronym { word, spelled } => Some(judge_acronym(word, spelled, said)),
        Candidate::Number(chunk) => Some(left_as_written(chunk, Kind::Number, said)),
        Candidate::Symbol(chunk) => Some(left_as_written(chunk, Kind::Symbol, said)),
    }
}

fn judge_word<'a>(
    word: &str,
    rewritten_chunk: Option<&str>,
    first: bool,
    said: &dyn Fn(&str) -> &'a [String],
) -> Option<Finding> {
    let head = headword(word);
    let (subject, kind, dictionary) = word_verdict(head, first, said)?;
    let phonemes = said(subject).concat();
    let entry = match (rewritten_chunk, &dictionary) {
        (Some(chunk), _) => chunk_entry(chunk),
        (None, Some(phones)) => phonemes_entry(subject, &phonemes, phones),
        (None, None) => {
            let why = "not in the dictionary; respell it";
            say_entry(subject, &phonemes, why, subject, false)
        }
    };
    Some(Finding {
        word: subject.to_owned(),
        kind,
        phonemes,
        note: dictionary.map(|p| format!("dictionary: {}", p.join(" "))),
        entry,
    })
}

/// An acronym, spelled by the engine or read as a word; the entry does the other.
fn judge_acronym<'a>(word: &str, spelled: &str, said: &dyn Fn(&str) -> &'a [String]) -> Finding {
    let names = said(word);
    let phonemes = names.concat();
    let (note, entry) = if unstressed(names) == unstressed(said(spelled)) {
        // `Nato`: a capital and lower case, which espeak-ng reads as a word.
        let mut as_word: String = word.chars().take(1).collect();
        as_word.extend(word.chars().skip(1).flat_map(char::to_lowercase));
        let why = "spelled; to read it as a word";
        let entry = say_entry(word, &phonemes, why, &as_word, true);
        ("spelled letter by letter", entry)
    } else {
        let why = "read as a word; to spell it";
        (
            "read as a word",
            say_entry(word, &phonemes, why, spelled, true),
        )
    };
    Finding {
        word: word.to_owned(),
        kind: Kind::Acronym,
        phonemes,
        note: Some(note.to_owned()),
        entry,
    }
}

/// A number or symbol no rule rewrote.
fn left_as_written<'a>(chunk: &str, kind: Kind, said: &dyn Fn(&str) -> &'a [String]) -> Finding {
    let phonemes = said(chunk).concat();
    let why = "no rule rewrote it; write it out";
    Finding {
        word: chunk.to_owned(),
        kind,
        entry: say_entry(chunk, &phonemes, why, chunk, false),
        phonemes,
        note: None,
    }
}

/// What is wrong with `word`, if anything: the word (or the part of a hyphenated word) to
/// fix, `Unknown` or `Disagrees`, and for `Disagrees` the dictionary's nearest
/// pronunciation. `None` when the engine says it as the dictionary does.
fn word_verdict<'w, 'a>(
    word: &'w str,
    first: bool,
    said: &dyn Fn(&str) -> &'a [String],
) -> Option<(&'w str, Kind, Option<Vec<&'static str>>)> {
    let whole = dict::lookup(word);
    if !whole.is_empty() {
        return disagreement(&whole, said(word))
            .map(|phones| (word, Kind::Disagrees, Some(phones)));
    }
    if !word.contains('-') || is_name_compound(word, first) {
        return Some((word, Kind::Unknown, None));
    }
    // A compound of known words (`long-range`, `U.S.-South`): each part as the engine says
    // it alone; initials are spelled and skipped.
    let looked_up: Vec<(&str, Vec<Vec<&'static str>>)> =
        parts(word).map(|p| (p, dict::lookup(p))).collect();
    if looked_up.iter().any(|(_, variants)| variants.is_empty()) {
        return Some((word, Kind::Unknown, None));
    }
    looked_up.into_iter().find_map(|(part, variants)| {
        disagreement(&variants, said(part)).map(|phones| (part, Kind::Disagrees, Some(phones)))
    })
}

/// The parts of a hyphenated word worth looking up: not empty, not initials.
fn parts(word: &str) -> impl Iterator<Item = &str> {
    word.split('-').filter(|p| !p.is_empty() && !is_initials(p))
}

/// The dictionary's pronunciation nearest to what the engine says (`names`), when even that
/// one disagrees.
fn disagreement(variants: &[Vec<&'static str>], names: &[String]) -> Option<Vec<&'static str>> {
    let engine = from_espeak(names);
    if engine.is_empty() {
        return None;
    }
    let (best, phones) = variants
        .iter()
        .map(|v| (distance(&from_arpabet(v), &engine), v))
        .min_by_key(|(d, _)| *d)?;
    (best >= DISAGREES).then(|| phones.clone())
}

/// `Jae-in`, `Jong-un`, `Dongchang-ri`: a capital, then a lower-case part, not at the start
/// of a sentence. A name's parts are syllables of another language, not the English words
/// the dictionary knows them as (`jong`, `un`); title-case compounds (`Four-Party`) and
/// common ones (`long-range`) are looked up part by part.
fn is_name_compound(word: &str, first: bool) -> bool {
    let mut parts = word.split('-').filter(|p| !p.is_empty());
    let starts_upper = |p: &str| p.chars().next().is_some_and(char::is_uppercase);
    let starts_lower = |p: &str| p.chars().next().is_some_and(char::is_lowercase);
    !first
        && word.chars().all(|c| c.is_alphabetic() || c == '-')
        && parts.next().is_some_and(starts_upper)
        && parts.any(starts_lower)
}

/// Phoneme names without stress marks or espeak-ng's `;` (palatalization), to compare
/// two readings of the same letters.
fn unstressed(names: &[String]) -> Vec<&str> {
    names
        .iter()
        .map(|n| n.trim_start_matches(['\'', ',']))
        .filter(|n| !n.is_empty() && *n != ";" && *n != " ")
        .collect()
}

/// A TOML basic string.
fn quoted(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

fn say_entry(text: &str, phonemes: &str, why: &str, say: &str, case_sensitive: bool) -> String {
    let mut entry = format!(
        "# {text}: espeak-ng says {phonemes}; {why}\n[[word]]\ntext = {}\nsay = {}\n",
        quoted(text),
        quoted(say)
    );
    if case_sensitive {
        entry.push_str("case-sensitive = true\n");
    }
    entry
}

fn phonemes_entry(text: &str, phonemes: &str, phones: &[&str]) -> String {
    format!(
        "# {text}: espeak-ng says {phonemes}; the dictionary says {}\n[[word]]\ntext = {}\nphonemes = {}\n",
        phones.join(" "),
        quoted(text),
        quoted(&arpabet_to_espeak(phones))
    )
}

/// An entry for the whole chunk a rule rewrote around a word (an e-mail or web address):
/// what narrate now says, to edit. The same for every word of the chunk.
fn chunk_entry(chunk: &str) -> String {
    let now = normalize::speech(chunk, &Lexicon::default());
    format!(
        "# {chunk}: narrate says {}; respell the whole of it\n[[word]]\ntext = {}\nsay = {}\n",
        quoted(&now),
        quoted(chunk),
        quoted(&now)
    )
}
