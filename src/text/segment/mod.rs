//! Paragraphs into sentences, and sentences into pieces short enough for the engine.
//!
//! Sentence boundaries come from UAX #29 (unicode-segmentation); on top of it a few rules
//! of the kind pySBD and pragmatic_segmenter use undo the boundaries it gets wrong (inside
//! ellipses and elisions, around inline list markers: [`lists`]) and add the ones it cannot
//! see (before a number or a brand). Whether a period after an abbreviation or before such a
//! word ends a sentence is weighed in one place, `evidence`, from what the abbreviation is
//! ([`abbreviations`]) and what the next word is. The Golden Rules and the real-prose sets
//! (`cargo test golden real_prose`) measure them.

pub mod abbreviations;
mod evidence;
mod lists;
mod long;

pub use abbreviations::{is_abbreviation, ABBREVIATIONS, TITLES};
pub use long::split_long;

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

/// Sentences of text without list markers: UAX #29 boundaries, minus the false ones, plus
/// the ones it cannot see (before a number or a brand such as "eBay": [`hidden_bounds`]).
fn prose(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for piece in text.split_sentence_bounds().flat_map(hidden_bounds) {
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

/// Cuts a UAX #29 piece where a terminator and a space come before a number or a brand
/// ("this week. 4 miles", "Cook said. \"iPhone X"): UAX #29 never breaks there, because the
/// next letter is lowercase or there is none. Whether those are sentence ends is left to
/// [`ends_sentence`], like every other candidate.
fn hidden_bounds(piece: &str) -> Vec<&str> {
    let mut cuts = Vec::new();
    let mut words = piece.split_inclusive(char::is_whitespace).peekable();
    let mut pos = 0;
    while let Some(word) = words.next() {
        pos += word.len();
        let Some(next) = words.peek() else { break };
        let ends = word
            .trim_end()
            .trim_end_matches(CLOSERS)
            .ends_with(['.', '!', '?']);
        let next = next.trim_start_matches(OPENERS);
        let unseen = next.starts_with(|c: char| c.is_ascii_digit() || "$£€¥".contains(c))
            || evidence::is_brand(next);
        if ends && word.ends_with(char::is_whitespace) && unseen {
            cuts.push(pos);
        }
    }
    let mut pieces = Vec::new();
    let mut start = 0;
    for cut in cuts {
        pieces.push(&piece[start..cut]);
        start = cut;
    }
    pieces.push(&piece[start..]);
    pieces
}

fn push_trimmed(out: &mut Vec<String>, sentence: &str) {
    let sentence = sentence.trim();
    if !sentence.is_empty() {
        out.push(sentence.to_owned());
    }
}

/// Whether a candidate boundary between `before` (the sentence so far) and `next` (the
/// following piece) is a real sentence end. Punctuation decides first (a question mark, an
/// ellipsis, an elision); a period after a word goes to [`evidence`].
fn ends_sentence(before: &str, next: &str) -> bool {
    let before = before.trim_end();
    let next = next.trim_start();
    let terminated = before.trim_end_matches(CLOSERS);
    if terminated.ends_with(['!', '?']) {
        // "Yahoo! in the accounting department", "“Help!” she cried.", "“Has anything
        // escaped me?” I asked."
        let quoted = terminated.len() < before.len();
        return evidence::next_word(next) != evidence::Next::Lower
            && !(quoted && evidence::is_speech_tag(next));
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
        return evidence::next_word(next) != evidence::Next::Lower;
    };
    evidence::period_ends_sentence(before, stem.trim_start_matches(OPENERS), next)
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
