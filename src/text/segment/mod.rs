//! Paragraphs into sentences, and sentences into pieces short enough for the engine.
//!
//! Sentence boundaries come from UAX #29 (unicode-segmentation); on top of it a few rules
//! of the kind pySBD and pragmatic_segmenter use undo the boundaries it gets wrong: after
//! titles, initials and acronyms ([`abbreviations`]), inside ellipses and elisions, before a
//! lowercase word, and around inline list markers ([`lists`]). Each rule is general; the
//! Golden Rules test below measures them.

pub mod abbreviations;
mod lists;
mod long;

pub use abbreviations::{is_abbreviation, ABBREVIATIONS, TITLES};
pub use long::split_long;

use abbreviations::Kind;
use unicode_segmentation::UnicodeSegmentation;

/// Longest piece of text handed to the engine in one request, in characters.
pub const MAX_CHARS: usize = 400;

/// Characters that may open a word: "(Smith", "“The".
const OPENERS: &[char] = &['(', '[', '{', '"', '\'', '“', '‘', '«'];

/// Characters that may close a sentence after its terminator: `great."`, `(see above.)`.
const CLOSERS: &[char] = &[')', ']', '}', '"', '\'', '”', '’', '»'];

/// Splits a paragraph into sentences, as written (trimmed, never empty).
pub fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for item in lists::items(text) {
        let mut body = prose(item.body);
        if let Some(first) = body.first_mut() {
            *first = format!("{}{first}", item.marker);
        } else if !item.marker.trim().is_empty() {
            body.push(item.marker.trim().to_owned());
        }
        out.extend(body);
    }
    out
}

/// Sentences of text without list markers: UAX #29 boundaries, minus the false ones.
fn prose(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for piece in text.split_sentence_bounds() {
        if current.trim().is_empty() || !ends_sentence(&current, piece) {
            current.push_str(piece);
            continue;
        }
        let cut = four_dot_cut(current.trim_end()).unwrap_or(current.len());
        push_trimmed(&mut out, &current[..cut]);
        current = format!("{}{piece}", &current[cut..]);
    }
    push_trimmed(&mut out, &current);
    out
}

fn push_trimmed(out: &mut Vec<String>, sentence: &str) {
    let sentence = sentence.trim();
    if !sentence.is_empty() {
        out.push(sentence.to_owned());
    }
}

/// Whether a boundary UAX #29 found between `before` (the sentence so far) and `next` (the
/// following piece) is a real sentence end.
fn ends_sentence(before: &str, next: &str) -> bool {
    let before = before.trim_end();
    let next = next.trim_start();
    let next_word = next.split_whitespace().next().unwrap_or("");
    let next_char = next_word
        .trim_start_matches(OPENERS)
        .chars()
        .next()
        .unwrap_or(' ');

    let terminated = before.trim_end_matches(CLOSERS);
    if terminated.ends_with(['!', '?']) {
        // "Yahoo! in the accounting department", "“Help!” she cried."
        return !next_char.is_lowercase();
    }
    let unquoted = before.trim_end_matches(['"', '\'', '”', '’']);
    if unquoted.ends_with("[...]") || unquoted.ends_with("[…]") {
        // An elision inside a quotation: "stairways [...]" (Smith 55).
        return false;
    }
    if let Some(dots) = trailing_dots(before) {
        // " . . . " mid-sentence; ". . . ." (a period after an ellipsis) does end one.
        if dots.spaced && dots.count == 3 && !dots.attached {
            return false;
        }
    }

    let token = before.rsplit(char::is_whitespace).next().unwrap_or("");
    let Some(stem) = token.strip_suffix('.') else {
        return true;
    };
    let stem = stem.trim_start_matches(OPENERS);
    let starter = abbreviations::is_sentence_starter(next_word);
    match abbreviations::kind(stem) {
        None => true,
        Some(Kind::NeverFinal) => false,
        Some(Kind::Title) => !next_char.is_alphanumeric() || starter,
        Some(Kind::Ambiguous) => {
            starter && !next_char.is_numeric() && !abbreviations::is_opening_phrase(before)
        }
        Some(Kind::Plain) => !next_char.is_numeric(),
    }
}

/// The run of periods (and spaces between them) that ends `text`.
#[derive(Debug)]
struct Dots {
    count: usize,
    /// Written with spaces between the periods: ". . .".
    spaced: bool,
    /// The first period touches the word before it: "compounds. . . .".
    attached: bool,
}

fn trailing_dots(text: &str) -> Option<Dots> {
    let text = text.trim_end();
    let run_start = text.trim_end_matches(['.', ' ']).len();
    let run = &text[run_start..];
    let count = run.matches('.').count();
    (count >= 2).then(|| Dots {
        count,
        spaced: run.trim().contains(' '),
        attached: run.starts_with('.') && run_start > 0,
    })
}

/// A sentence that ends "compounds. . . ." ends at its first period: the spaced ellipsis
/// after it opens the next sentence (Chicago's four-dot ellipsis). Returns the byte position
/// just after that first period.
fn four_dot_cut(sentence: &str) -> Option<usize> {
    let dots = trailing_dots(sentence)?;
    (dots.count == 4 && dots.spaced && dots.attached)
        .then(|| sentence.trim_end_matches(['.', ' ']).len() + 1)
}

#[cfg(test)]
mod real_prose;
#[cfg(test)]
mod tests;
