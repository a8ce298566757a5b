//! A lexicon's entries one by one, to find those that match nothing in the script (a name
//! respelled, then edited out of the essay; a typo in `text`).
//!
//! Each entry is matched by a one-entry [`Lexicon`] built from it, so "matches" means exactly
//! what it means when narrate applies the lexicon: whole words, case as the entry says.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::InputError;
use crate::text::normalize::{Lexicon, LexiconError};

/// A lexicon entry that matches no sentence of the script.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnusedEntry {
    /// Its `text`.
    pub text: String,
    pub path: PathBuf,
    /// 1-based line of its `[[word]]` table.
    pub line: usize,
}

/// The entries of one lexicon file, each with its line and its own matcher.
#[derive(Debug, Default)]
pub struct LexiconEntries {
    path: PathBuf,
    entries: Vec<(String, usize, Lexicon)>,
    /// Every entry with `phonemes = "_"`: the speakable text with the lexicon's replacements
    /// marked `[[_]]`, so that words the lexicon put in are not taken for words as written.
    mask: Lexicon,
}

#[derive(Deserialize)]
struct RawFile {
    #[serde(default)]
    word: Vec<toml::Spanned<RawEntry>>,
}

/// Only what matching needs; `Lexicon::parse` has already validated the rest.
#[derive(Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
struct RawEntry {
    #[serde(default)]
    text: String,
    #[serde(default, skip_deserializing)]
    phonemes: String,
    #[serde(default)]
    case_sensitive: bool,
}

#[derive(Serialize)]
struct Entries<'a> {
    word: &'a [RawEntry],
}

impl LexiconEntries {
    /// Reads the lexicon at `path`, if any (`None`: no lexicon, no entries).
    pub fn read(path: Option<&Path>) -> Result<LexiconEntries, InputError> {
        let Some(path) = path else {
            return Ok(LexiconEntries::default());
        };
        let source = std::fs::read_to_string(path).map_err(|source| InputError::Read {
            path: path.to_owned(),
            source,
        })?;
        Ok(LexiconEntries::parse(&source, path)?)
    }

    /// Parses lexicon source; `path` is used in errors and in the report.
    pub fn parse(source: &str, path: &Path) -> Result<LexiconEntries, LexiconError> {
        // Validates the whole file first, with the lexicon's own messages.
        Lexicon::parse(source, path)?;
        let raw: RawFile = toml::from_str(source).map_err(|e| LexiconError {
            path: path.to_owned(),
            line: 1,
            message: e.message().trim().to_owned(),
        })?;
        let mut entries = Vec::with_capacity(raw.word.len());
        let mut masked = Vec::with_capacity(raw.word.len());
        for spanned in raw.word {
            let line = line_of(source, spanned.span().start);
            let mut entry = spanned.into_inner();
            // Only the match matters here: the replacement is a mark.
            entry.phonemes = "_".to_owned();
            let matcher = rebuilt(std::slice::from_ref(&entry), path, line)?;
            entries.push((entry.text.clone(), line, matcher));
            masked.push(entry);
        }
        Ok(LexiconEntries {
            path: path.to_owned(),
            entries,
            mask: rebuilt(&masked, path, 1)?,
        })
    }

    /// The lexicon with every replacement a `[[_]]` mark (see the field).
    pub fn mask(&self) -> &Lexicon {
        &self.mask
    }

    /// The entries that match none of `sentences` (as written), in file order.
    pub fn unused<'a>(&self, sentences: impl Iterator<Item = &'a str> + Clone) -> Vec<UnusedEntry> {
        self.entries
            .iter()
            .filter(|(_, _, matcher)| !sentences.clone().any(|s| matcher.matches(s)))
            .map(|(text, line, _)| UnusedEntry {
                text: text.clone(),
                path: self.path.clone(),
                line: *line,
            })
            .collect()
    }
}

/// A lexicon of `entries`, through the lexicon's own parser; errors name `line`.
fn rebuilt(entries: &[RawEntry], path: &Path, line: usize) -> Result<Lexicon, LexiconError> {
    let source = toml::to_string(&Entries { word: entries }).map_err(|e| LexiconError {
        path: path.to_owned(),
        line,
        message: e.to_string(),
    })?;
    Lexicon::parse(&source, path).map_err(|e| LexiconError { line, ..e })
}

/// 1-based line of a byte offset.
fn line_of(source: &str, offset: usize) -> usize {
    source[..offset.min(source.len())].matches('\n').count() + 1
}
