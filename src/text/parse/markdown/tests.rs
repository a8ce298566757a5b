use crate::text::parse::parse;
use crate::text::{Document, Format, Paragraph, Skipped};

fn md(source: &str) -> Document {
    parse(source, Format::Markdown)
}

fn texts(doc: &Document) -> Vec<&str> {
    doc.paragraphs.iter().map(|p| p.text.as_str()).collect()
}

/// A paragraph of prose: under `heading`, opening a chapter when `opens`, after `lead`.
fn paragraph(
    heading: Option<&str>,
    opens: bool,
    lead: &[&str],
    text: &str,
    line: usize,
) -> Paragraph {
    Paragraph {
        heading: heading.map(str::to_owned),
        opens,
        lead: lead.iter().map(|l| (*l).to_owned()).collect(),
        text: text.to_owned(),
        items: Vec::new(),
        line,
    }
}

#[test]
fn headings_title_and_lead_the_paragraphs_under_them() {
    // Text before the first heading: no `#` title (it is not first), so `#` makes the
    // chapters and `##` is a subheading inside one.
    let doc = md("Intro.\n\n# One\n\nFirst.\n\nSecond.\n\n## Two\n\nThird\nwrapped.\n");
    assert_eq!(doc.title, None);
    assert_eq!(
        doc.paragraphs,
        [
            paragraph(None, true, &[], "Intro.", 1),
            paragraph(Some("One"), true, &["One"], "First.", 5),
            paragraph(Some("One"), false, &[], "Second.", 7),
            paragraph(Some("One"), false, &["Two"], "Third wrapped.", 11),
        ]
    );
}

#[test]
fn heading_without_paragraph_is_a_paragraph_of_its_own() {
    // Two `#`: neither is the document title; each is a chapter, `##` speaks inside one.
    let doc = md("# Part I\n## Chapter 1\nText.\n# Coda\n");
    assert_eq!(doc.title, None);
    assert_eq!(
        doc.paragraphs,
        [
            paragraph(Some("Part I"), true, &["Part I", "Chapter 1"], "Text.", 3),
            paragraph(Some("Coda"), true, &[], "Coda", 4),
        ]
    );
}

#[test]
fn the_title_is_spoken_first_and_each_section_is_one_chapter() {
    let doc = md(concat!(
        "# The Talk\n\n",
        "## How a Barrage Works\n\nShells fall.\n\nThey walk forward:\n\n",
        "- the first line\n- the second line!\n- the third\n\n",
        "## Why It Failed\n\nMud.\n\nWire.\n\n",
        "### In Detail\n\nMore mud.\n",
    ));
    assert_eq!(doc.title.as_deref(), Some("The Talk"));
    let barrage = Some("How a Barrage Works");
    let failed = Some("Why It Failed");
    let list = Paragraph {
        heading: barrage.map(str::to_owned),
        opens: false,
        lead: Vec::new(),
        text: "the first line the second line! the third".to_owned(),
        items: vec![
            "the first line".to_owned(),
            "the second line!".to_owned(),
            "the third".to_owned(),
        ],
        line: 9,
    };
    assert_eq!(
        doc.paragraphs,
        [
            paragraph(
                barrage,
                true,
                &["The Talk", "How a Barrage Works"],
                "Shells fall.",
                5
            ),
            paragraph(barrage, false, &[], "They walk forward:", 7),
            list,
            paragraph(failed, true, &["Why It Failed"], "Mud.", 15),
            paragraph(failed, false, &[], "Wire.", 17),
            paragraph(failed, false, &["In Detail"], "More mud.", 21),
        ]
    );
}

#[test]
fn text_before_the_first_section_is_a_chapter_named_after_the_title() {
    let doc = md("---\ntitle: Front\n---\n# Shown\n\nHello.\n\nAgain.\n\n## Part\n\nBody.\n");
    // Front matter names the program; the `#` title is still spoken, not a chapter.
    assert_eq!(doc.front("title"), Some("Front"));
    assert_eq!(doc.title.as_deref(), Some("Shown"));
    assert_eq!(
        doc.paragraphs,
        [
            paragraph(Some("Front"), true, &["Shown"], "Hello.", 6),
            paragraph(Some("Front"), false, &[], "Again.", 8),
            paragraph(Some("Part"), true, &["Part"], "Body.", 12),
        ]
    );
    // Without any title, the intro has none: it is titled by its first words.
    let doc = md("Hello.\n\n## Part\n\nBody.\n");
    assert_eq!(doc.paragraphs[0], paragraph(None, true, &[], "Hello.", 1));
}

#[test]
fn without_sections_every_paragraph_is_a_chapter() {
    let doc = md("# Only a Title\n\nOne.\n\nTwo.\n");
    assert_eq!(doc.title.as_deref(), Some("Only a Title"));
    assert_eq!(
        doc.paragraphs,
        [
            paragraph(None, true, &["Only a Title"], "One.", 3),
            paragraph(None, true, &[], "Two.", 5),
        ]
    );
    let doc = md("# Nothing but a title\n");
    assert_eq!(
        doc.paragraphs,
        [paragraph(None, true, &[], "Nothing but a title", 1)]
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
    assert_eq!(doc.paragraphs, [paragraph(None, true, &[], "Body.", 8)]);
}

#[test]
fn a_list_is_one_paragraph_of_its_items() {
    let doc = md("Shopping:\n\n- milk\n- eggs\n  - brown\n- [x] bread\n\n1. first\n\n2. second\n");
    assert_eq!(
        texts(&doc),
        ["Shopping:", "milk eggs brown bread", "first second"]
    );
    let items: Vec<&[String]> = doc.paragraphs.iter().map(|p| &p.items[..]).collect();
    assert_eq!(
        items,
        [
            &[][..],
            &["milk", "eggs", "brown", "bread"].map(String::from)[..],
            &["first", "second"].map(String::from)[..],
        ]
    );
    assert_eq!(doc.paragraphs[1].line, 3);
    assert_eq!(doc.paragraphs[2].line, 8);
    // A loose item's paragraphs are its sentences too; a list in a quote is still one.
    let doc = md("- One.\n\n  More.\n- Two\n\n> - a\n> - b\n");
    assert_eq!(texts(&doc), ["One. More. Two", "a b"]);
    assert_eq!(doc.paragraphs[0].items, ["One.", "More.", "Two"]);
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
        [paragraph(None, true, &["Title"], "Text.", 5)]
    );
}

#[test]
fn footnote_marks_are_silent_and_heading_attributes_dropped() {
    let doc = md("# Notes {#notes}\n\nA claim.[^1]\n\n[^1]: The source.\n");
    assert_eq!(texts(&doc), ["A claim.", "The source."]);
    assert_eq!(doc.title.as_deref(), Some("Notes"));
    assert_eq!(doc.paragraphs[0].lead, ["Notes"]);
}

#[test]
fn crlf_and_bom_keep_lines_right() {
    let doc = md("\u{feff}---\r\ntitle: T\r\n---\r\n\r\n# H\r\n\r\nBody\r\ntext.\r\n");
    assert_eq!(doc.front("title"), Some("T"));
    assert_eq!(doc.front_matter[0].line, 2);
    assert_eq!(
        doc.paragraphs,
        [paragraph(None, true, &["H"], "Body text.", 7)]
    );
}

#[test]
fn strikethrough_is_not_spoken_like_a_deleted_passage() {
    let doc =
        md("The plan was ~~not~~ ready ~~at all~~.\n\n~~A whole struck paragraph.~~\n\nEnd.\n");
    assert_eq!(texts(&doc), ["The plan was ready.", "End."]);
}
