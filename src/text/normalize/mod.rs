//! Written text into speakable text. (stub: being written)

use std::path::Path;

/// A pronunciation lexicon: words or phrases mapped to respellings or phonemes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lexicon {}

/// A malformed lexicon file.
#[derive(Debug, thiserror::Error)]
#[error("{path}:{line}: {message}")]
pub struct LexiconError {
    pub path: std::path::PathBuf,
    pub line: usize,
    pub message: String,
}

impl Lexicon {
    /// Parses `lexicon.toml` source; `path` is only used in errors.
    pub fn parse(source: &str, path: &Path) -> Result<Lexicon, LexiconError> {
        let _ = (source, path);
        Ok(Lexicon::default())
    }
}

/// Rewrites one sentence, as written, into the text to send to the engine.
pub fn speech(sentence: &str, lexicon: &Lexicon) -> String {
    let _ = lexicon;
    sentence.to_owned()
}
