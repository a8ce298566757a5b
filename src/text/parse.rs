//! Plain text and Markdown into paragraphs. (stub: being written)

use super::{Document, Format};

/// Parses a whole script.
pub fn parse(source: &str, format: Format) -> Document {
    let _ = format;
    let mut doc = Document::default();
    for (i, line) in source.lines().enumerate() {
        if super::is_speakable(line) {
            doc.paragraphs.push(super::Paragraph {
                heading: None,
                lead: None,
                text: line.trim().to_owned(),
                line: i + 1,
            });
        }
    }
    doc
}
