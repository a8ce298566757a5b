//! The script's blocks into paragraphs grouped in chapters, as a listener navigates them.
//!
//! - The document title is a `#` heading that comes first and is the only one of its level:
//!   it names the program (when front matter gives no `title`) and is spoken before the
//!   first paragraph, but it is not a chapter.
//! - The chapters are the sections of the highest level of heading left (`##` under a `#`
//!   title, `#` in a script with several): each is one chapter, titled by its heading and
//!   spanning its paragraphs. Deeper headings (`###` under a `##`) are spoken before the
//!   paragraph that follows them and stay inside their section's chapter.
//! - Text before the first section is a chapter of its own, titled by the document's title
//!   (else by its first words).
//! - A script without sections has one chapter per paragraph, as a plain-text one.
//! - A heading with nothing under it is spoken as a paragraph of its own.

use pulldown_cmark::HeadingLevel;

use super::Block;
use crate::text::{Document, Paragraph};

/// Paragraphs and chapters of `blocks`, into `doc` (which holds the front matter).
pub(super) fn outline(mut doc: Document, blocks: Vec<Block>) -> Document {
    let levels: Vec<HeadingLevel> = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { level, .. } => Some(*level),
            Block::Text { .. } => None,
        })
        .collect();
    let title = match blocks.first() {
        Some(Block::Heading { level, text, line })
            if *level == HeadingLevel::H1
                && levels.iter().filter(|l| **l == *level).count() == 1 =>
        {
            Some((text.clone(), *line))
        }
        _ => None,
    };
    let skip = usize::from(title.is_some());
    let chapter_level = levels.iter().skip(skip).min().copied();
    doc.title = title.as_ref().map(|(text, _)| text.clone());
    // Text before the first section is named after the program: front matter's title, else
    // the `#` one.
    let name = doc.front("title").map(str::to_owned).or(doc.title.clone());
    let mut outliner = Outliner {
        sections: chapter_level.is_some(),
        title: title.as_ref().map(|(text, _)| text.clone()),
        heading: chapter_level.and(name),
        in_chapter: 0,
        pending: Vec::new(),
        paragraphs: Vec::new(),
    };
    for block in blocks.into_iter().skip(skip) {
        match block {
            Block::Heading { level, text, line } => {
                if Some(level) == chapter_level {
                    outliner.speak_pending();
                    outliner.heading = Some(text.clone());
                    outliner.in_chapter = 0;
                }
                outliner.pending.push((text, line));
            }
            Block::Text { text, items, line } => outliner.push(text, items, line),
        }
    }
    outliner.speak_pending();
    if let (Some(title), true) = (title, outliner.title.is_some()) {
        // A script that is only its title.
        outliner.title = None;
        outliner.pending.push(title);
        outliner.speak_pending();
    }
    doc.paragraphs = outliner.paragraphs;
    doc
}

struct Outliner {
    /// Whether the script has sections (else every paragraph is a chapter).
    sections: bool,
    /// The document title, until it is spoken before the first paragraph.
    title: Option<String>,
    /// The title of the chapter being read.
    heading: Option<String>,
    /// Paragraphs so far in the chapter being read.
    in_chapter: usize,
    /// Headings not yet spoken, with their lines.
    pending: Vec<(String, usize)>,
    paragraphs: Vec<Paragraph>,
}

impl Outliner {
    fn push(&mut self, text: String, items: Vec<String>, line: usize) {
        let lead = (self.title.take().into_iter())
            .chain(self.pending.drain(..).map(|(text, _)| text))
            .collect();
        self.paragraphs.push(Paragraph {
            heading: self.heading.clone(),
            opens: !self.sections || self.in_chapter == 0,
            lead,
            text,
            items,
            line,
        });
        self.in_chapter += 1;
    }

    /// Headings with nothing under them: the last is spoken as a paragraph, after the rest.
    fn speak_pending(&mut self) {
        if let Some((text, line)) = self.pending.pop() {
            self.push(text, Vec::new(), line);
        }
    }
}
