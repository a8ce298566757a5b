//! `narrate check`: the words of a script the engine is likely to read wrong, found before
//! anyone listens to the whole narration.
//!
//! espeak-ng pronounces most words by rule (its own dictionary holds only exceptions), so
//! "not in espeak-ng's dictionary" says nothing. Instead each word that reaches the engine as
//! written (`scan`) is looked up in a general English pronouncing dictionary, the CMU
//! Pronouncing Dictionary (`dict`): a word it does not know (a name, a foreign word, a
//! coinage) is the engine's guess; a word it knows is compared, sound by sound (`sounds`,
//! `compare`), with what the engine says. Acronyms, and numbers and symbols no rule rewrote,
//! are listed as they are; lexicon entries that match nothing too. Every word comes with the
//! engine's phonemes and a lexicon entry to paste and edit (`judge`).
//!
//! The library only builds a [`Report`]; the command prints it.

mod compare;
mod dict;
mod entries;
mod judge;
mod scan;
mod sounds;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

use crate::engine::EngineError;
use crate::script::Paragraph;
use crate::text::normalize::{self, Lexicon};
/// Unpacks the embedded dictionary now instead of at the first check (for benchmarks).
pub use dict::warm_up;
pub use entries::{LexiconEntries, UnusedEntry};
use scan::Candidate;

/// Why a word is listed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Not in the dictionary: a name, a foreign word, a coinage. The engine guesses.
    Unknown,
    /// In the dictionary, and the engine says it otherwise.
    Disagrees,
    /// All capitals: the engine spells it or reads it as a word; which one is listed.
    Acronym,
    /// A number no rule rewrote.
    Number,
    /// A symbol no rule rewrote.
    Symbol,
}

impl Kind {
    /// Its name in the JSON report.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Unknown => "unknown",
            Kind::Disagrees => "disagrees",
            Kind::Acronym => "acronym",
            Kind::Number => "number",
            Kind::Symbol => "symbol",
        }
    }
}

/// One word likely to be read wrong.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// As written in the script.
    pub word: String,
    pub kind: Kind,
    /// What the engine says: espeak-ng's phoneme mnemonics, as `espeak-ng -x` prints them.
    pub phonemes: String,
    /// More about it: the dictionary's pronunciation (ARPAbet) of a word the engine says
    /// otherwise; whether an acronym is spelled or read as a word.
    pub note: Option<String>,
    /// A `[[word]]` lexicon entry to paste into the lexicon and edit (TOML, with a comment).
    pub entry: String,
}

/// The findings of one paragraph, in the order their words first appear.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ParagraphReport {
    pub index: usize,
    /// Line of the script the paragraph starts on.
    pub line: usize,
    pub title: String,
    pub findings: Vec<Finding>,
}

/// Counts for the closing line; words are counted once however often they appear.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub words: usize,
    pub unknown: usize,
    pub disagrees: usize,
    pub acronyms: usize,
    pub numbers: usize,
    pub symbols: usize,
    pub unused_entries: usize,
}

impl Summary {
    /// The closing line: `7 words to check (3 not in the dictionary, ...)`.
    pub fn line(&self, voice: &str) -> String {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let kinds = [
            (
                self.unknown,
                "not in the dictionary",
                "not in the dictionary",
            ),
            (self.disagrees, "said otherwise", "said otherwise"),
            (self.acronyms, "acronym", "acronyms"),
            (self.numbers, "number", "numbers"),
            (self.symbols, "symbol", "symbols"),
        ];
        let parts: Vec<String> = kinds
            .iter()
            .filter(|(n, _, _)| *n > 0)
            .map(|&(n, one, many)| plural(n, one, many))
            .collect();
        let words = match self.words {
            0 => "no words to check".to_owned(),
            n => format!(
                "{} ({})",
                plural(n, "word to check", "words to check"),
                parts.join(", ")
            ),
        };
        format!(
            "{words}; {}; espeak-ng {voice} against the {}",
            plural(
                self.unused_entries,
                "unused lexicon entry",
                "unused lexicon entries"
            ),
            dict::VERSION
        )
    }
}

/// What `narrate check` found in a script.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The espeak-ng voice whose phonemes were compared.
    pub voice: String,
    /// The pronouncing dictionary compared with.
    pub dictionary: &'static str,
    /// Paragraphs with at least one finding.
    pub paragraphs: Vec<ParagraphReport>,
    pub unused_entries: Vec<UnusedEntry>,
    pub summary: Summary,
}

impl Report {
    /// Each listed word once, in the order it first appears, with its first finding.
    pub fn distinct(&self) -> Vec<&Finding> {
        let mut seen = HashSet::new();
        self.paragraphs
            .iter()
            .flat_map(|p| &p.findings)
            .filter(|f| seen.insert(f.word.as_str()))
            .collect()
    }
}

impl Report {
    /// Each finding's lexicon entry once (the words of one e-mail address share theirs).
    pub fn entries(&self) -> Vec<&str> {
        let mut seen = HashSet::new();
        self.distinct()
            .into_iter()
            .map(|f| f.entry.as_str())
            .filter(|e| seen.insert(*e))
            .collect()
    }
}

/// Checks prepared paragraphs (`script::prepare`, so the speakable text is exactly
/// what narrate sends) with espeak-ng voice `voice`. Fails only when espeak-ng cannot be
/// loaded or does not know the voice.
pub fn check(
    paragraphs: &[Paragraph],
    entries: &LexiconEntries,
    voice: &str,
) -> Result<Report, EngineError> {
    check_with(paragraphs, entries, voice, |words| {
        crate::engine::espeak::word_mnemonics(words, voice)
    })
}

/// [`check`] with another source of phonemes (`phonemize` gets each text to phonemize once
/// and returns its espeak-ng phoneme names, as `espeak::word_mnemonics` does).
pub fn check_with(
    paragraphs: &[Paragraph],
    entries: &LexiconEntries,
    voice: &str,
    phonemize: impl FnOnce(&[&str]) -> Result<Vec<Vec<String>>, EngineError>,
) -> Result<Report, EngineError> {
    // The dictionary unpacks on a thread while the engine phonemizes.
    let unpacking = std::thread::spawn(dict::warm_up);
    let candidates: Vec<Vec<Candidate>> = paragraphs
        .iter()
        .map(|p| paragraph_candidates(p, entries.mask()))
        .collect();
    let mut texts: Vec<&str> = Vec::new();
    let mut seen = HashSet::new();
    for candidate in candidates.iter().flatten() {
        for text in judge::to_phonemize(candidate) {
            if seen.insert(text) {
                texts.push(text);
            }
        }
    }
    let phonemes = phonemize(&texts)?;
    let said: BTreeMap<&str, &[String]> = texts
        .iter()
        .copied()
        .zip(phonemes.iter().map(Vec::as_slice))
        .collect();
    let _ = unpacking.join();
    let mut reports = Vec::new();
    for (paragraph, candidates) in paragraphs.iter().zip(&candidates) {
        let findings: Vec<Finding> = candidates
            .iter()
            .filter_map(|c| judge::judge(c, &|text| said.get(text).copied().unwrap_or(&[])))
            .collect();
        if !findings.is_empty() {
            reports.push(ParagraphReport {
                index: paragraph.index,
                line: paragraph.line,
                title: paragraph.title.clone(),
                findings,
            });
        }
    }
    let unused_entries = entries.unused(
        paragraphs
            .iter()
            .flat_map(|p| &p.sentences)
            .map(|s| s.text.as_str()),
    );
    let mut report = Report {
        voice: voice.to_owned(),
        dictionary: dict::VERSION,
        paragraphs: reports,
        unused_entries,
        summary: Summary::default(),
    };
    report.summary = summarize(&report);
    Ok(report)
}

/// A paragraph's candidates, each once, in order. The speakable text is made again with the
/// lexicon's replacements masked (`LexiconEntries::mask`): the rules rewrite the rest
/// exactly as for the engine.
fn paragraph_candidates(paragraph: &Paragraph, mask: &Lexicon) -> Vec<Candidate> {
    let mut seen = HashSet::new();
    paragraph
        .sentences
        .iter()
        .flat_map(|s| scan::scan(&s.text, &normalize::speech(&s.text, mask)))
        .filter(|c| seen.insert(judge::written(c).to_owned()))
        .collect()
}

fn summarize(report: &Report) -> Summary {
    let distinct = report.distinct();
    let count = |kind: Kind| distinct.iter().filter(|f| f.kind == kind).count();
    Summary {
        words: distinct.len(),
        unknown: count(Kind::Unknown),
        disagrees: count(Kind::Disagrees),
        acronyms: count(Kind::Acronym),
        numbers: count(Kind::Number),
        symbols: count(Kind::Symbol),
        unused_entries: report.unused_entries.len(),
    }
}
