//! Which written words reach the engine as written, and what kind of thing each is.
//!
//! A sentence is compared with the speakable text narrate sends for it: a word or a number
//! that a rule or the lexicon rewrote is the rule's or the author's choice and is not looked
//! at again; what comes through unchanged is what the engine has to guess at. Chunks are the
//! sentence's white-space separated pieces without the punctuation around them; words are
//! the letters inside a chunk, with their inner apostrophes, hyphens and initials' dots.

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

/// Something in a sentence worth a look, before the dictionary and the engine are asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Candidate {
    /// A word of letters (inner hyphens and apostrophes kept) to find in the dictionary.
    Word {
        word: String,
        /// The chunk it came from, when a rule rewrote that chunk around it (an e-mail
        /// address, a web address): a lexicon entry has to replace the whole chunk.
        rewritten_chunk: Option<String>,
        /// The sentence's first word (so a capital says nothing about a name).
        first: bool,
    },
    /// Two or more capitals and no lower-case letter or dot: `NATO`, `FBI`.
    Acronym {
        word: String,
        /// Its letters with dots, `N.A.T.O.`, which the engine spells.
        spelled: String,
    },
    /// A chunk with a digit that no rule rewrote: `MP3`, `5%`, `3pm`.
    Number(String),
    /// A chunk with a symbol that no rule rewrote: `#hashtag`, `a+b`, `→`.
    Symbol(String),
}

/// Punctuation that is not a symbol: espeak-ng pauses at it or ignores it.
const ORDINARY: &str = ".,;:!?'\"’‘“”«»„‹›()[]{}-‐‑–—―…";

/// Characters stripped from both ends of a chunk.
const EDGES: &str = ".,;:!?'\"’‘“”«»„‹›()[]{}–—―…";

fn is_symbol(c: char) -> bool {
    !c.is_alphanumeric() && !c.is_whitespace() && !ORDINARY.contains(c)
}

/// The chunks of `text`, in order.
fn chunks(text: &str) -> impl Iterator<Item = &str> {
    text.split_whitespace()
        .map(|c| c.trim_matches(|c: char| EDGES.contains(c)))
        .filter(|c| !c.is_empty())
}

/// The words of a chunk: letters and digits with inner `'’-` and the dots of initials
/// (`U.S.`, `D.C.-based`); other dots split (`yahoo.com`).
fn words(chunk: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let pieces = chunk.split(|c: char| !(c.is_alphanumeric() || "'’-.".contains(c)));
    for piece in pieces {
        let piece = piece.trim_matches(|c: char| "'’-.".contains(c));
        if piece.is_empty() {
            continue;
        }
        if piece.contains('.')
            && !piece
                .split('-')
                .all(|part| !part.contains('.') || is_initials(part))
        {
            out.extend(
                piece
                    .split('.')
                    .map(|w| w.trim_matches(|c: char| "'’-".contains(c)))
                    .filter(|w| !w.is_empty()),
            );
        } else {
            out.push(piece);
        }
    }
    out
}

/// Letters in groups of one or two joined by dots: `U.S`, `D.C.`, `e.g`, `Ph.D`.
pub fn is_initials(word: &str) -> bool {
    let word = word.trim_end_matches('.');
    word.contains('.')
        && word
            .split('.')
            .all(|g| (1..=2).contains(&g.chars().count()) && g.chars().all(char::is_alphabetic))
}

/// The speakable text without the lexicon's `[[phonemes]]` (the author's, final).
fn without_phonemes(speech: &str) -> String {
    let mut out = String::with_capacity(speech.len());
    let mut rest = speech;
    while let Some(start) = rest.find("[[") {
        out.push_str(&rest[..start]);
        out.push(' ');
        match rest[start..].find("]]") {
            Some(end) => rest = &rest[start + end + 2..],
            None => rest = "",
        }
    }
    out.push_str(rest);
    out
}

/// The candidates of one sentence: `text` as written, `speech` as sent to the engine.
pub fn scan(text: &str, speech: &str) -> Vec<Candidate> {
    let speech = without_phonemes(speech);
    let spoken_chunks: HashSet<&str> = chunks(&speech).collect();
    let spoken_words: HashSet<String> = chunks(&speech)
        .flat_map(words)
        .map(str::to_lowercase)
        .collect();
    let mut found = Vec::new();
    let mut first = true;
    for chunk in chunks(text) {
        let unchanged = spoken_chunks.contains(chunk);
        let symbol = chunk.chars().any(is_symbol);
        if unchanged && chunk.chars().any(|c| c.is_ascii_digit()) {
            found.push(Candidate::Number(chunk.to_owned()));
        } else if unchanged && symbol {
            found.push(Candidate::Symbol(chunk.to_owned()));
        } else {
            for word in words(chunk) {
                if spoken_words.contains(&word.to_lowercase()) {
                    found.push(classify(
                        word,
                        (!unchanged && symbol).then_some(chunk),
                        first,
                    ));
                }
                first = false;
            }
        }
        first = false;
    }
    found.retain(|c| match c {
        Candidate::Word { word, .. } => !skip_word(word),
        Candidate::Number(number) => !reads_right(number),
        _ => true,
    });
    found
}

/// Numbers espeak-ng reads right, which narrate leaves to it: `30`, `1,200`, `4.5%`,
/// `-3`, `21st`, `10:30`.
fn reads_right(chunk: &str) -> bool {
    static PLAIN: LazyLock<Option<Regex>> = LazyLock::new(|| {
        Regex::new(
            r"^(?:[+\-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?|\d+(?:st|nd|rd|th)|\d{1,2}:\d{2}(?::\d{2})?)$",
        )
        .ok()
    });
    PLAIN.as_ref().is_some_and(|re| re.is_match(chunk))
}

fn classify(word: &str, rewritten_chunk: Option<&str>, first: bool) -> Candidate {
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    if word.chars().any(|c| c.is_numeric()) {
        Candidate::Number(word.to_owned())
    } else if letters >= 2 && !word.contains('.') && !word.chars().any(char::is_lowercase) {
        Candidate::Acronym {
            word: word.to_owned(),
            spelled: word.chars().flat_map(|c| [c, '.']).collect(),
        }
    } else {
        Candidate::Word {
            word: word.to_owned(),
            rewritten_chunk: rewritten_chunk.map(str::to_owned),
            first,
        }
    }
}

/// Words read as written whatever the dictionary says: initials (`U.S.`, spelled letter by
/// letter, as their dots ask) and single letters.
fn skip_word(word: &str) -> bool {
    is_initials(word) || word.chars().count() < 2
}
