//! Text to Piper's phonemes: espeak-ng's IPA, clause by clause, put together as Piper does.
//!
//! Piper voices were trained on exactly this string, so it follows the reference phonemizer
//! (`piper/phonemize_espeak.py` in piper-tts 1.8) step by step: language-switch flags such as
//! `(fr)` are dropped, each clause's punctuation is appended (`, : ;` followed by a space),
//! a clause ending in `. ! ?` ends a sentence, and the result is decomposed (Unicode NFD)
//! into code points, each of which is one phoneme.

use unicode_normalization::UnicodeNormalization;

use crate::engine::espeak::{self, Clause};
use crate::engine::EngineError;

/// The phonemes of one sentence, one code point each.
pub type Phonemes = Vec<char>;

/// Phonemizes `text` with espeak-ng voice `voice`, one entry per sentence espeak-ng found.
pub fn phonemize(text: &str, voice: &str) -> Result<Vec<Phonemes>, EngineError> {
    Ok(sentences(&espeak::text_to_phonemes(text, voice)?))
}

/// Puts espeak-ng's clauses together into sentences of phonemes.
pub fn sentences(clauses: &[Clause]) -> Vec<Phonemes> {
    let mut all = Vec::new();
    let mut sentence = String::new();
    for clause in clauses {
        sentence.push_str(&without_language_flags(&clause.phonemes));
        if let Some(t) = clause.terminator {
            sentence.push(t);
            if matches!(t, ',' | ':' | ';') {
                sentence.push(' ');
            }
        }
        if matches!(clause.terminator, Some('.' | '!' | '?')) {
            all.push(std::mem::take(&mut sentence).nfd().collect());
        }
    }
    if !sentence.is_empty() {
        all.push(sentence.nfd().collect());
    }
    all.retain(|s: &Phonemes| !s.is_empty());
    all
}

/// Removes `(lang)` markers (what `re.sub(r"\([^)]+\)", "", s)` does).
fn without_language_flags(phonemes: &str) -> String {
    let mut out = String::with_capacity(phonemes.len());
    let mut rest = phonemes;
    while let Some(open) = rest.find('(') {
        let after = &rest[open + 1..];
        match after.find(')') {
            Some(close) if close > 0 => {
                out.push_str(&rest[..open]);
                rest = &after[close + 1..];
            }
            _ => {
                out.push_str(&rest[..=open]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clause(phonemes: &str, terminator: Option<char>) -> Clause {
        Clause {
            phonemes: phonemes.to_owned(),
            terminator,
        }
    }

    #[test]
    fn clauses_join_into_sentences_with_their_punctuation() {
        let got = sentences(&[
            clause("həlˈoʊ", Some(',')),
            clause("wˈɜːld", Some('.')),
            clause("(fr)bɔ̃ʒˈuʁ(en)", None),
        ]);
        let text: Vec<String> = got.iter().map(|s| s.iter().collect()).collect();
        // NFD splits the nasal vowel into o + combining tilde.
        assert_eq!(text, ["həlˈoʊ, wˈɜːld.", "bɔ\u{303}ʒˈuʁ"]);
    }

    #[test]
    fn language_flags_go_and_unmatched_parentheses_stay() {
        assert_eq!(without_language_flags("a(en)b(fr)c"), "abc");
        assert_eq!(without_language_flags("a(b"), "a(b");
        assert_eq!(without_language_flags("a()b"), "a()b");
    }
}
