//! From a script on disk to the sentences the engine will speak.
//!
//! [`parse`] reads plain text or Markdown into paragraphs, [`segment`] splits a paragraph
//! into sentences (and cuts sentences too long for the engine), [`normalize`] rewrites a
//! sentence into the form the engine reads right. All of it is pure: no I/O.

pub mod calendar;
pub mod normalize;
pub mod parse;
pub mod segment;

use serde::Serialize;

/// How the script is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Plain,
    Markdown,
}

/// A parsed script: the paragraphs to narrate, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Document {
    pub paragraphs: Vec<Paragraph>,
    /// Paragraphs dropped because they hold no letter or digit (web-page residue and such).
    pub skipped: Vec<Skipped>,
    /// A Markdown script's document title: a `#` heading that comes first and is the only
    /// `#` (front matter's `title:`, which names the program before it, is in
    /// `front_matter`).
    pub title: Option<String>,
    /// The `key: value` lines of Markdown front matter, in order (config reads the ones
    /// it knows: title, author, date, cover...).
    pub front_matter: Vec<FrontField>,
}

/// One `key: value` line of front matter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrontField {
    /// The key, in lower case.
    pub key: String,
    /// The value, without its YAML quotes.
    pub value: String,
    /// 1-based line of the script.
    pub line: usize,
}

impl Document {
    /// The value of front matter's `key` (the last one given).
    pub fn front(&self, key: &str) -> Option<&str> {
        let field = self.front_matter.iter().rev().find(|f| f.key == key)?;
        Some(field.value.as_str())
    }
}

/// One paragraph of the script, markup removed, hard-wrapped lines joined.
///
/// Paragraphs are the files; chapters group them. A paragraph that [`opens`] a chapter
/// starts one, titled by its [`heading`] (or by its first words without one); the
/// paragraphs after it, up to the next that opens one, are in the same chapter.
///
/// [`opens`]: Paragraph::opens
/// [`heading`]: Paragraph::heading
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paragraph {
    /// The title of the chapter this paragraph is in: the Markdown section heading it sits
    /// under (the document title for text before the first section), if any.
    pub heading: Option<String>,
    /// Whether a chapter starts here: every paragraph of a script without sections, the
    /// first of each section in one with them.
    pub opens: bool,
    /// Headings to speak before the text, in order (the document title before the first
    /// paragraph, a section's heading before its first paragraph, subheadings).
    pub lead: Vec<String>,
    /// The text as written, on one line.
    pub text: String,
    /// A list's items, each spoken as its own sentence(s) (`text` is them joined); empty
    /// for prose, whose sentences are found in `text`.
    pub items: Vec<String>,
    /// 1-based line of the script where the paragraph starts.
    pub line: usize,
}

impl Paragraph {
    /// A paragraph of prose that opens its own chapter, as a plain-text script's do.
    pub fn prose(text: String, line: usize) -> Paragraph {
        Paragraph {
            heading: None,
            opens: true,
            lead: Vec::new(),
            text,
            items: Vec::new(),
            line,
        }
    }
}

/// A paragraph that was not narrated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub line: usize,
    pub text: String,
}

/// True when `text` has something to say: at least one letter or digit.
pub fn is_speakable(text: &str) -> bool {
    text.chars().any(char::is_alphanumeric)
}

#[cfg(test)]
mod agreement {
    //! Segmentation and normalization agree: where the segmenter keeps an abbreviation inside
    //! a sentence, the normalizer leaves no period-and-capital there for espeak-ng to end a
    //! sentence at (a false pause and a falling tone). Titles espeak-ng reads through
    //! (`Mr.`, `Mrs.`, `Ms.`, `Dr.`) and single initials (`J. R. Tolkien`: about 50 ms, no
    //! sentence end, measured with espeak-ng and sox) are the exceptions left as written.
    use super::normalize::{speech, Lexicon};
    use super::segment::sentences;

    const CASES: &[&str] = &[
        "He spoke to the U.S. Senate about it.",
        "They met at the U.N. General Assembly in New York.",
        "Bring fruit, e.g. Apples or pears, to the picnic.",
        "Gov. Brown and Gen. Smith met Prof. Lee on Jan. 5 at No. 10 Downing Street.",
        "Lt. Col. Jones lives on Elm St. Springfield since the war.",
        "Mr. Smith met Dr. Jones at St. Louis on Friday.",
        "The report by J. R. Tolkien Society members was long.",
        "It costs approx. 10 dollars, vs. Twenty last year.",
    ];

    fn pauses(speech: &str) -> Vec<String> {
        const READ_THROUGH: &[&str] = &["Mr.", "Mrs.", "Ms.", "Dr."];
        let words: Vec<&str> = speech.split_whitespace().collect();
        words
            .windows(2)
            .filter(|w| w[0].ends_with('.') && w[1].starts_with(char::is_uppercase))
            .filter(|w| !READ_THROUGH.contains(&w[0]))
            .filter(|w| !(w[0].len() == 2 && w[0].starts_with(|c: char| c.is_ascii_uppercase())))
            .map(|w| format!("{} {}", w[0], w[1]))
            .collect()
    }

    #[test]
    fn an_abbreviation_inside_a_sentence_neither_splits_it_nor_makes_espeak_pause() {
        let lexicon = Lexicon::default();
        for case in CASES {
            let split = sentences(case);
            assert_eq!(split, vec![case.to_string()], "segmenter split {case:?}");
            let spoken = speech(case, &lexicon);
            assert!(
                pauses(&spoken).is_empty(),
                "{case:?} -> {spoken:?}: {:?}",
                pauses(&spoken)
            );
        }
    }
}
