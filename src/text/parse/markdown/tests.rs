use crate::text::parse::parse;
use crate::text::{Document, Format, Paragraph, Skipped};

fn md(source: &str) -> Document {
    parse(source, Format::Markdown)
}

fn texts(doc: &Document) -> Vec<&str> {
    doc.paragraphs.iter().map(|p| p.text.as_str()).collect()
}

fn paragraph(heading: Option<&str>, lead: Option<&str>, text: &str, line: usize) -> Paragraph {
    Paragraph {
        heading: heading.map(str::to_owned),
        lead: lead.map(str::to_owned),
        text: text.to_owned(),
        line,
    }
}

#[test]
fn headings_title_and_lead_the_paragraphs_under_them() {
    let doc = md("Intro.\n\n# One\n\nFirst.\n\nSecond.\n\n## Two\n\nThird\nwrapped.\n");
    assert_eq!(
        doc.paragraphs,
        [
            paragraph(None, None, "Intro.", 1),
            paragraph(Some("One"), Some("One"), "First.", 5),
            paragraph(Some("One"), None, "Second.", 7),
            paragraph(Some("Two"), Some("Two"), "Third wrapped.", 11),
        ]
    );
}

#[test]
fn heading_without_paragraph_is_a_paragraph_of_its_own() {
    let doc = md("# Part I\n## Chapter 1\nText.\n# Coda\n");
    assert_eq!(
        doc.paragraphs,
        [
            paragraph(Some("Part I"), None, "Part I", 1),
            paragraph(Some("Chapter 1"), Some("Chapter 1"), "Text.", 3),
            paragraph(Some("Coda"), None, "Coda", 4),
        ]
    );
}

#[test]
fn markup_urls_images_html_and_code_blocks_are_silent() {
    let source = concat!(
        "Some *emphasis*, **strong** and [a link](https://example.com \"t\").\n",
        "An ![alt text](pic.png) image, <span>inline</span> html, `code` and <https://x.org>.\n",
        "\n<div>\nblock html\n</div>\n",
        "\n```rust\nfn main() {}\n```\n",
        "\n    indented code\n",
        "\n<!-- a comment -->\n",
        "\nLast.\n",
    );
    let doc = md(source);
    assert_eq!(
        texts(&doc),
        [
            "Some emphasis, strong and a link. An image, inline html, code and https://x.org.",
            "Last.",
        ]
    );
}

#[test]
fn front_matter_gives_title_and_author_and_is_not_spoken() {
    let doc = md(
        "---\ntitle: \"A Modest Proposal\"\nauthor: 'J. Swift'\ntags:\n  - satire\n---\n\nBody.\n",
    );
    assert_eq!(doc.front("title"), Some("A Modest Proposal"));
    assert_eq!(doc.front("author"), Some("J. Swift"));
    // Each value with its line in the script, for errors that name it.
    let lines: Vec<(&str, usize)> = (doc.front_matter.iter())
        .map(|f| (f.key.as_str(), f.line))
        .collect();
    assert_eq!(lines, [("title", 2), ("author", 3)]);
    assert_eq!(doc.paragraphs, [paragraph(None, None, "Body.", 8)]);
}

#[test]
fn list_items_are_paragraphs() {
    let doc = md("Shopping:\n\n- milk\n- eggs\n  - brown\n- [x] bread\n\n1. first\n\n2. second\n");
    assert_eq!(
        texts(&doc),
        [
            "Shopping:",
            "milk",
            "eggs",
            "brown",
            "bread",
            "first",
            "second"
        ]
    );
    assert_eq!(doc.paragraphs[2].line, 4);
}

#[test]
fn block_quotes_hold_paragraphs() {
    let doc = md("> Quoted one\n> still one.\n>\n> Quoted two.\n\nAfter.\n");
    assert_eq!(
        texts(&doc),
        ["Quoted one still one.", "Quoted two.", "After."]
    );
    assert_eq!(doc.paragraphs[1].line, 4);
}

#[test]
fn table_rows_are_paragraphs_of_cells() {
    let doc = md("| Name | Age |\n|------|----:|\n| Ann  | 31  |\n| Bob  |     |\n");
    assert_eq!(texts(&doc), ["Name, Age", "Ann, 31", "Bob"]);
    assert_eq!(doc.paragraphs[1].line, 3);
}

#[test]
fn breaks_become_spaces() {
    let doc = md("one  \ntwo\\\nthree\nfour\n");
    assert_eq!(texts(&doc), ["one two three four"]);
}

#[test]
fn unspeakable_blocks_are_skipped_and_do_not_take_the_lead() {
    let doc = md("# Title\n\n![]() |\n\nText.\n\n***\n");
    assert_eq!(
        doc.skipped,
        [Skipped {
            line: 3,
            text: "|".into()
        }]
    );
    assert_eq!(
        doc.paragraphs,
        [paragraph(Some("Title"), Some("Title"), "Text.", 5)]
    );
}

#[test]
fn footnote_marks_are_silent_and_heading_attributes_dropped() {
    let doc = md("# Notes {#notes}\n\nA claim.[^1]\n\n[^1]: The source.\n");
    assert_eq!(texts(&doc), ["A claim.", "The source."]);
    assert_eq!(doc.paragraphs[0].heading.as_deref(), Some("Notes"));
}

#[test]
fn crlf_and_bom_keep_lines_right() {
    let doc = md("\u{feff}---\r\ntitle: T\r\n---\r\n\r\n# H\r\n\r\nBody\r\ntext.\r\n");
    assert_eq!(doc.front("title"), Some("T"));
    assert_eq!(doc.front_matter[0].line, 2);
    assert_eq!(
        doc.paragraphs,
        [paragraph(Some("H"), Some("H"), "Body text.", 7)]
    );
}

#[test]
fn strikethrough_is_not_spoken_like_a_deleted_passage() {
    let doc =
        md("The plan was ~~not~~ ready ~~at all~~.\n\n~~A whole struck paragraph.~~\n\nEnd.\n");
    assert_eq!(texts(&doc), ["The plan was ready.", "End."]);
}
