//! Text to IPA phonemes, clause by clause, for engines that speak phonemes (Piper); and words
//! to espeak-ng's own phoneme mnemonics, for `narrate check`.
//!
//! `espeak_TextToPhonemes` returns one clause per call and moves the text pointer past it.
//! Piper also needs the punctuation that ended each clause (`, : ;` and `. ! ?`), which
//! espeak-ng 1.51 only reports through a call it does not export
//! (`espeak_TextToPhonemesWithTerminator` came in 1.52). It is recovered from the slice of
//! text the call consumed: espeak-ng stops after the clause's punctuation, having read at most
//! one character ahead (the space after it, or the next word's first letter), so the last
//! punctuation mark of the slice, past trailing spaces and that one character, is the
//! terminator. An abbreviation's dot or a decimal point does not end a clause, so it is never
//! at the end of a slice.
//!
//! Phonemizing selects the voice's espeak-ng language, which this process must not do (see
//! `isolate`), so on Unix it runs in a forked worker like synthesis; the cost, a fork and a
//! voice selection, is small beside a neural model's run.

use std::ffi::c_int;

use serde::{Deserialize, Serialize};

use super::{c_text, failed, sys, Loaded};
use crate::engine::{EngineError, Pitch, Rate, SynthRequest};

/// One clause: its phonemes, and the punctuation that ended it, if any.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clause {
    /// IPA, UTF-8, as espeak-ng writes it (words separated by spaces, stress marks kept).
    pub phonemes: String,
    /// One of `, : ; . ! ?`, or `None` (end of text without punctuation, or a clause
    /// espeak-ng cut for length).
    pub terminator: Option<char>,
}

/// The clause-ending punctuation narrate recognizes (Piper's set).
const TERMINATORS: &[char] = &[',', ':', ';', '.', '!', '?'];

/// The phonemes of `text` spoken with espeak-ng voice `voice` (`en-us`), clause by clause.
pub fn text_to_phonemes(text: &str, voice: &str) -> Result<Vec<Clause>, EngineError> {
    c_text(text)?;
    #[cfg(unix)]
    {
        let bytes = super::isolate::run_forked(voice, |loaded| {
            let result =
                phonemize_here(loaded, text, voice, sys::PHONEMES_IPA).map_err(|e| e.to_string());
            serde_json::to_vec(&result).unwrap_or_default()
        })?;
        let reply: Result<Vec<Clause>, String> = serde_json::from_slice(&bytes)
            .map_err(|_| failed("the espeak-ng worker sent a malformed phoneme reply"))?;
        reply.map_err(failed)
    }
    #[cfg(not(unix))]
    {
        super::with_engine(|loaded| {
            loaded.check_voice(voice)?;
            let result = phonemize_here(loaded, text, voice);
            // Back to the voice the parent keeps loaded (see `Loaded::init`).
            // SAFETY: initialized, lock held; a NUL-terminated literal.
            unsafe { (loaded.api.set_voice_by_name)(c"en-us".as_ptr()) };
            result
        })
    }
}

/// The phoneme mnemonics of each of `words`, each spoken alone with voice `voice`: one
/// list per word, one item per phoneme as `espeak-ng -v VOICE -q -x --sep=SEP WORD` splits
/// them (a stress mark stays on the vowel it precedes), and `" "` between the words the
/// engine read (`Jae-in`, `U.S.` may be read as more than one). Concatenated, a list is what
/// `espeak-ng -x` prints. The separators matter: espeak-ng's names are one to three
/// characters and run together ambiguously (`aU@L` is `aU @L` in "vowel", not `aU@ L`).
/// One worker phonemizes them all, so a few hundred words cost one fork.
pub fn word_mnemonics(words: &[&str], voice: &str) -> Result<Vec<Vec<String>>, EngineError> {
    for word in words {
        c_text(word)?;
    }
    let mode = sys::PHONEMES_MNEMONICS | ((MNEMONIC_SEPARATOR as c_int) << 8);
    let each = |loaded: &Loaded| -> Result<Vec<Vec<String>>, EngineError> {
        // The voice once: selecting it costs more than phonemizing a word.
        select_voice(loaded, voice)?;
        words
            .iter()
            .map(|word| {
                let clauses = clauses_here(loaded, word, mode)?;
                Ok(split_mnemonics(clauses.iter().map(|c| c.phonemes.as_str())))
            })
            .collect()
    };
    #[cfg(unix)]
    {
        let bytes = super::isolate::run_forked(voice, |loaded| {
            let result = each(loaded).map_err(|e| e.to_string());
            serde_json::to_vec(&result).unwrap_or_default()
        })?;
        let reply: Result<Vec<Vec<String>>, String> = serde_json::from_slice(&bytes)
            .map_err(|_| failed("the espeak-ng worker sent a malformed phoneme reply"))?;
        reply.map_err(failed)
    }
    #[cfg(not(unix))]
    {
        super::with_engine(|loaded| {
            loaded.check_voice(voice)?;
            let result = each(loaded);
            // Back to the voice the parent keeps loaded (see `Loaded::init`).
            // SAFETY: initialized, lock held; a NUL-terminated literal.
            unsafe { (loaded.api.set_voice_by_name)(c"en-us".as_ptr()) };
            result
        })
    }
}

/// Between two phoneme names in [`word_mnemonics`]' requests: a character no name uses.
const MNEMONIC_SEPARATOR: char = '\u{b7}';

/// Clauses' separated mnemonics as one list of names, `" "` between words.
fn split_mnemonics<'a>(clauses: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut names = Vec::new();
    for word in clauses.flat_map(str::split_whitespace) {
        if !names.is_empty() {
            names.push(" ".to_owned());
        }
        names.extend(
            word.split(MNEMONIC_SEPARATOR)
                .filter(|name| !name.is_empty())
                .map(str::to_owned),
        );
    }
    names
}

/// Phonemizes in this process, in phoneme `mode` (`sys::PHONEMES_*`). Call with the espeak
/// lock held (or in a worker).
fn phonemize_here(
    loaded: &Loaded,
    text: &str,
    voice: &str,
    mode: c_int,
) -> Result<Vec<Clause>, EngineError> {
    select_voice(loaded, voice)?;
    clauses_here(loaded, text, mode)
}

/// Selects `voice` (and resets the parameters) for the phonemizing calls that follow.
fn select_voice(loaded: &Loaded, voice: &str) -> Result<(), EngineError> {
    let request = SynthRequest {
        text: "",
        rate: Rate(175),
        pitch: Pitch(50),
    };
    loaded.prepare(voice, &request)
}

/// The clauses of `text` with the voice already selected (see [`phonemize_here`]).
fn clauses_here(loaded: &Loaded, text: &str, mode: c_int) -> Result<Vec<Clause>, EngineError> {
    let c = c_text(text)?;
    let base = c.as_ptr() as usize;
    let mut cursor: *const std::ffi::c_void = c.as_ptr().cast();
    let mut clauses = Vec::new();
    while !cursor.is_null() {
        let start = cursor as usize - base;
        // SAFETY: initialized, lock held (or a worker's private copy). `cursor` points into
        // `c`, a NUL-terminated UTF-8 string that outlives the loop; espeak-ng moves it
        // forward within that string or sets it to null at the end. The returned buffer is
        // espeak-ng's own, valid until the next call, and copied out at once.
        let phonemes = unsafe {
            let ptr = (loaded.api.text_to_phonemes)(&mut cursor, sys::CHARS_UTF8 as i32, mode);
            if ptr.is_null() {
                String::new()
            } else {
                std::ffi::CStr::from_ptr(ptr).to_string_lossy().into_owned()
            }
        };
        let end = if cursor.is_null() {
            text.len()
        } else {
            (cursor as usize - base).min(text.len())
        };
        if end <= start && !cursor.is_null() {
            return Err(failed("espeak_TextToPhonemes did not advance"));
        }
        let consumed = text.get(start..end).unwrap_or_default();
        let terminator = terminator(consumed);
        if phonemes.trim().is_empty() && terminator.is_none() {
            continue;
        }
        clauses.push(Clause {
            phonemes,
            terminator,
        });
    }
    Ok(clauses)
}

/// The punctuation that ended a clause, from the text espeak-ng consumed for it: the last
/// character past trailing spaces, the one character read ahead (a letter, digit or opening
/// mark of the next clause) and closing quotes or brackets.
pub(crate) fn terminator(consumed: &str) -> Option<char> {
    let mut rest = consumed.trim_end();
    if let Some(last) = rest.chars().next_back() {
        if last.is_alphanumeric() || "\"'(“‘[«".contains(last) {
            rest = rest[..rest.len() - last.len_utf8()].trim_end();
        }
    }
    let rest = rest.trim_end_matches(|c: char| c.is_whitespace() || "\"')”’]»".contains(c));
    rest.chars().next_back().filter(|c| TERMINATORS.contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminator_is_the_last_punctuation_past_the_read_ahead() {
        assert_eq!(terminator("Hello, "), Some(','));
        assert_eq!(terminator("Hello, w"), Some(','));
        assert_eq!(terminator("Stop. T"), Some('.'));
        assert_eq!(terminator("Why?"), Some('?'));
        assert_eq!(terminator("Say \"yes.\" H"), Some('.'));
        assert_eq!(terminator("Note: "), Some(':'));
        assert_eq!(terminator("no punctuation"), None);
        assert_eq!(terminator(""), None);
    }

    #[test]
    fn clauses_carry_their_punctuation() {
        let clauses = text_to_phonemes("Hello, world; it works: yes. Really? Yes!", "en-us")
            .expect("libespeak-ng is installed on development machines");
        let ends: Vec<Option<char>> = clauses.iter().map(|c| c.terminator).collect();
        assert_eq!(
            ends,
            [
                Some(','),
                Some(';'),
                Some(':'),
                Some('.'),
                Some('?'),
                Some('!')
            ],
            "{clauses:?}"
        );
        assert!(clauses[0].phonemes.contains("həl"), "{clauses:?}");
    }

    #[test]
    fn word_mnemonics_are_what_espeak_ng_x_prints() {
        let words = ["bottle", "Pyongyang", "Jae-in", "U.S."];
        let got = word_mnemonics(&words, "en-us")
            .expect("libespeak-ng is installed on development machines");
        for (word, names) in words.iter().zip(&got) {
            let cli = std::process::Command::new("espeak-ng")
                .args(["-v", "en-us", "-q", "-x", word])
                .output()
                .expect("the espeak-ng CLI is installed on development machines");
            let printed = String::from_utf8_lossy(&cli.stdout);
            assert_eq!(names.concat(), printed.trim(), "{word}");
        }
        assert_eq!(got[0], ["b", "'0", "t#", "@L"]);
    }

    #[test]
    fn separated_mnemonics_split_into_names_and_words() {
        let names =
            split_mnemonics(["v\u{b7}'aU\u{b7}@L w\u{b7}'3:", "k\u{b7}'0\u{b7}m"].into_iter());
        assert_eq!(
            names,
            ["v", "'aU", "@L", " ", "w", "'3:", " ", "k", "'0", "m"]
        );
    }
}
