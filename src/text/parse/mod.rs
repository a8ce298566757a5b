//! Plain text and Markdown into paragraphs.
//!
//! A paragraph is the unit of output (one WAV each), so both formats end in the same
//! [`Document`]: text as it reads aloud, on one line, with the script line it starts on for
//! messages. Paragraphs with nothing to say (no letter or digit) are kept aside in
//! [`Document::skipped`] so the user can see what was dropped.

mod markdown;

use super::{Document, Format, Paragraph, Skipped};

/// Parses a whole script. Never fails: any text is some document.
pub fn parse(source: &str, format: Format) -> Document {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    match format {
        Format::Plain => plain(source),
        Format::Markdown => markdown::parse(source),
    }
}

/// Plain text: paragraphs are separated by blank lines and their lines joined. A text
/// without any blank line between its lines (text copied from a web page, the sample essay)
/// has one paragraph per line instead.
fn plain(source: &str) -> Document {
    let lines: Vec<&str> = source.lines().collect();
    let is_blank = |line: &&str| line.trim().is_empty();
    let first = lines.iter().position(|line| !is_blank(line));
    let last = lines.iter().rposition(|line| !is_blank(line));
    let blank_inside = match (first, last) {
        (Some(first), Some(last)) => lines[first..=last].iter().any(is_blank),
        _ => false,
    };

    let mut doc = Document::default();
    let mut start = None;
    let mut text = String::new();
    for (i, line) in lines.iter().enumerate() {
        if is_blank(line) {
            if let Some(line_number) = start.take() {
                add(&mut doc, &text, line_number);
                text.clear();
            }
            continue;
        }
        start.get_or_insert(i + 1);
        text.push(' ');
        text.push_str(line);
        if !blank_inside {
            if let Some(line_number) = start.take() {
                add(&mut doc, &text, line_number);
                text.clear();
            }
        }
    }
    if let Some(line_number) = start {
        add(&mut doc, &text, line_number);
    }
    doc
}

/// Adds a paragraph with its whitespace collapsed, or records it as skipped when it has
/// nothing to say. Empty text is dropped silently.
fn add(doc: &mut Document, text: &str, line: usize) {
    let text = collapse(text);
    if text.is_empty() {
        return;
    }
    if super::is_speakable(&text) {
        doc.paragraphs.push(Paragraph::prose(text, line));
    } else {
        doc.skipped.push(Skipped { line, text });
    }
}

/// Collapses runs of whitespace (line breaks included) into single spaces and trims.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(doc: &Document) -> Vec<(usize, &str)> {
        doc.paragraphs
            .iter()
            .map(|p| (p.line, p.text.as_str()))
            .collect()
    }

    #[test]
    fn blank_lines_separate_paragraphs_and_wrapped_lines_join() {
        let doc = parse(
            "First line\nwrapped  here.\n\n   \nSecond.\n",
            Format::Plain,
        );
        assert_eq!(
            texts(&doc),
            [(1, "First line wrapped here."), (5, "Second.")]
        );
    }

    #[test]
    fn without_blank_lines_each_line_is_a_paragraph() {
        let doc = parse("\n\nOne.\nTwo.\n\n", Format::Plain);
        assert_eq!(texts(&doc), [(3, "One."), (4, "Two.")]);
    }

    #[test]
    fn crlf_and_bom_are_handled() {
        let doc = parse(
            "\u{feff}Title\r\n\r\nBody one\r\nbody two\r\n",
            Format::Plain,
        );
        assert_eq!(texts(&doc), [(1, "Title"), (3, "Body one body two")]);
    }

    #[test]
    fn unspeakable_paragraphs_are_skipped_with_their_line() {
        let doc = parse("![]() |\nWords here.\n---\n", Format::Plain);
        assert_eq!(texts(&doc), [(2, "Words here.")]);
        assert_eq!(
            doc.skipped,
            [
                Skipped {
                    line: 1,
                    text: "![]() |".into()
                },
                Skipped {
                    line: 3,
                    text: "---".into()
                },
            ]
        );
    }

    #[test]
    fn sample_essay_has_thirteen_paragraphs() {
        let essay = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/script/essay.txt"));
        let doc = parse(essay, Format::Plain);
        assert_eq!(doc.paragraphs.len(), 13);
        assert_eq!(doc.skipped.len(), 1);
        assert_eq!(doc.paragraphs[0].line, 2);
        assert!(doc.paragraphs[0].text.starts_with("It is abundantly clear"));
        assert!(doc.paragraphs.iter().all(|p| p.heading.is_none()));
    }

    #[test]
    fn empty_text_is_an_empty_document() {
        assert_eq!(parse("", Format::Plain), Document::default());
        assert_eq!(parse(" \n\t\n", Format::Markdown), Document::default());
    }
}
