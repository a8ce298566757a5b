//! From a script on disk to the sentences the engine will speak.
//!
//! [`parse`] reads plain text or Markdown into paragraphs, [`segment`] splits a paragraph
//! into sentences (and cuts sentences too long for the engine), [`normalize`] rewrites a
//! sentence into the form the engine reads right. All of it is pure: no I/O.

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
    /// `title` from Markdown front matter, if any.
    pub title: Option<String>,
    /// `author` (or `artist`) from Markdown front matter, if any.
    pub author: Option<String>,
}

/// One paragraph of the script, markup removed, hard-wrapped lines joined.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paragraph {
    /// The Markdown heading this paragraph sits under, if any: its chapter title.
    pub heading: Option<String>,
    /// A heading to speak before the text: set on the first paragraph under a heading.
    pub lead: Option<String>,
    /// The text as written, on one line.
    pub text: String,
    /// 1-based line of the script where the paragraph starts.
    pub line: usize,
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
