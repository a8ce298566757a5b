//! Markdown into paragraphs, through pulldown-cmark's event stream.
//!
//! Only what a listener should hear is kept: headings are spoken before the paragraph that
//! follows them, and sections make the chapters ([`outline`]); link text and inline code are
//! read as text; markup, URLs, images (alt text too), raw HTML, code blocks, front matter and
//! struck-through text (`~~deleted~~`, left out like a deleted passage) are silent. A list
//! (nested lists and all) is one paragraph whose items are its sentences: a file per item
//! would put a file's head and tail silence between the items of one thought. Each table
//! row is a paragraph with its cells joined by ", ".

mod outline;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::collapse;
use crate::text::{Document, FrontField, Skipped};

/// Parses Markdown (BOM already stripped).
pub(super) fn parse(source: &str) -> Document {
    let options = Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut builder = Builder::new(source);
    for (event, range) in Parser::new_ext(source, options).into_offset_iter() {
        builder.event(event, range.start);
    }
    builder.finish()
}

/// A block of the script, in order: what [`outline`] makes paragraphs and chapters of.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Block {
    Heading {
        level: HeadingLevel,
        text: String,
        line: usize,
    },
    /// A paragraph, a list (its items), a table row...
    Text {
        text: String,
        items: Vec<String>,
        line: usize,
    },
}

/// Walks the events, gathering the text of the block being read.
struct Builder {
    doc: Document,
    blocks: Vec<Block>,
    /// Byte offsets of the source's line feeds, to turn offsets into line numbers.
    newlines: Vec<usize>,
    /// Text of the current block so far, and the offset where it starts.
    text: String,
    start: Option<usize>,
    /// Nesting depth inside something not spoken: images, code and HTML blocks, front matter,
    /// strikethrough.
    silent: usize,
    /// A struck passage was just left out: punctuation right after it closes up to the
    /// text before it ("ready ~~now~~." reads "ready.", not "ready .").
    struck: bool,
    /// Front matter being read, and the line where its text starts.
    front_matter: Option<(String, usize)>,
    /// Cells of the table row being read.
    row: Option<Vec<String>>,
    /// Level of the heading being read.
    level: HeadingLevel,
    /// Depth of lists being read (0: none); their items so far, and where the outer one
    /// starts.
    lists: usize,
    items: Vec<String>,
    list_line: Option<usize>,
}

impl Builder {
    fn new(source: &str) -> Self {
        Builder {
            doc: Document::default(),
            blocks: Vec::new(),
            newlines: source.match_indices('\n').map(|(i, _)| i).collect(),
            text: String::new(),
            start: None,
            silent: 0,
            struck: false,
            front_matter: None,
            row: None,
            level: HeadingLevel::H1,
            lists: 0,
            items: Vec::new(),
            list_line: None,
        }
    }

    fn line(&self, offset: usize) -> usize {
        self.newlines.partition_point(|&newline| newline < offset) + 1
    }

    fn event(&mut self, event: Event<'_>, offset: usize) {
        match event {
            Event::Start(tag) => self.start(tag, offset),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => {
                let line = self.line(offset);
                if let Some((front_matter, first)) = &mut self.front_matter {
                    if front_matter.is_empty() {
                        *first = line;
                    }
                    front_matter.push_str(&text);
                } else {
                    self.push(&text, offset);
                }
            }
            Event::Code(code) => self.push(&code, offset),
            Event::SoftBreak | Event::HardBreak => self.push(" ", offset),
            Event::Rule => self.flush(),
            // Raw HTML, footnote marks, task boxes and math are not read aloud.
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>, offset: usize) {
        match tag {
            Tag::Image { .. } | Tag::Strikethrough => self.silent += 1,
            Tag::CodeBlock(_) | Tag::HtmlBlock => {
                self.flush();
                self.silent += 1;
            }
            Tag::MetadataBlock(_) => {
                self.silent += 1;
                self.front_matter = Some((String::new(), 1));
            }
            Tag::TableHead | Tag::TableRow => {
                self.flush();
                self.row = Some(Vec::new());
                self.start = Some(offset);
            }
            Tag::TableCell => self.text.clear(),
            Tag::Heading { level, .. } => {
                self.flush();
                self.level = level;
            }
            Tag::List(_) => {
                // The text of the item that holds a nested list is a sentence of its own.
                self.flush();
                self.lists += 1;
            }
            Tag::Paragraph
            | Tag::Item
            | Tag::BlockQuote(_)
            | Tag::FootnoteDefinition(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::Table(_) => self.flush(),
            // Inline markup (emphasis, links...) only wraps text that is read as it comes.
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Image | TagEnd::CodeBlock | TagEnd::HtmlBlock => {
                self.silent = self.silent.saturating_sub(1);
            }
            TagEnd::Strikethrough => {
                self.silent = self.silent.saturating_sub(1);
                self.struck = true;
            }
            TagEnd::MetadataBlock(_) => {
                self.silent = self.silent.saturating_sub(1);
                if let Some((yaml, line)) = self.front_matter.take() {
                    self.read_front_matter(&yaml, line);
                }
            }
            TagEnd::TableCell => {
                let cell = collapse(&self.text);
                self.text.clear();
                if let Some(row) = &mut self.row {
                    row.push(cell);
                }
            }
            TagEnd::TableHead | TagEnd::TableRow => {
                if let Some(row) = self.row.take() {
                    let cells: Vec<String> = row.into_iter().filter(|c| !c.is_empty()).collect();
                    self.text = cells.join(", ");
                }
                self.flush();
            }
            TagEnd::Heading(_) => self.end_heading(),
            TagEnd::List(_) => self.end_list(),
            TagEnd::Paragraph
            | TagEnd::Item
            | TagEnd::BlockQuote(_)
            | TagEnd::FootnoteDefinition
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
            | TagEnd::Table => self.flush(),
            _ => {}
        }
    }

    /// Appends spoken text to the current block.
    fn push(&mut self, text: &str, offset: usize) {
        if self.silent == 0 {
            if std::mem::take(&mut self.struck)
                && text.starts_with(['.', ',', ';', ':', '!', '?', ')'])
            {
                self.text.truncate(self.text.trim_end().len());
            }
            self.start.get_or_insert(offset);
            self.text.push_str(text);
        }
    }

    /// Ends the current block: its text becomes a paragraph, a list item (inside a list)
    /// or a skipped block.
    fn flush(&mut self) {
        self.struck = false;
        let text = collapse(&std::mem::take(&mut self.text));
        let Some(start) = self.start.take() else {
            return;
        };
        let line = self.line(start);
        if text.is_empty() {
            return;
        }
        if !crate::text::is_speakable(&text) {
            self.doc.skipped.push(Skipped { line, text });
        } else if self.lists > 0 {
            self.list_line.get_or_insert(line);
            self.items.push(text);
        } else {
            let items = Vec::new();
            self.blocks.push(Block::Text { text, items, line });
        }
    }

    /// Ends a list; the outermost one becomes one paragraph of its items.
    fn end_list(&mut self) {
        self.flush();
        self.lists = self.lists.saturating_sub(1);
        if self.lists > 0 {
            return;
        }
        let items = std::mem::take(&mut self.items);
        if let Some(line) = self.list_line.take() {
            let text = items.join(" ");
            self.blocks.push(Block::Text { text, items, line });
        }
    }

    /// A heading (one inside a list item is an item).
    fn end_heading(&mut self) {
        if self.lists > 0 {
            return self.flush();
        }
        let text = collapse(&std::mem::take(&mut self.text));
        let Some(start) = self.start.take() else {
            return;
        };
        let line = self.line(start);
        if !crate::text::is_speakable(&text) {
            if !text.is_empty() {
                self.doc.skipped.push(Skipped { line, text });
            }
            return;
        }
        let level = self.level;
        self.blocks.push(Block::Heading { level, text, line });
    }

    /// Reads the simple `key: value` lines of front matter whose text starts at `first`
    /// (nested YAML is skipped); config takes the keys it knows.
    fn read_front_matter(&mut self, yaml: &str, first: usize) {
        for (i, line) in yaml.lines().enumerate() {
            if line.starts_with(char::is_whitespace) {
                continue;
            }
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let value = unquote(value.trim());
            if value.is_empty() {
                continue;
            }
            self.doc.front_matter.push(FrontField {
                key: key.trim().to_lowercase(),
                value: value.to_owned(),
                line: first + i,
            });
        }
    }

    fn finish(mut self) -> Document {
        self.flush();
        while self.lists > 0 {
            self.end_list();
        }
        outline::outline(self.doc, self.blocks)
    }
}

/// Strips one pair of matching YAML quotes.
fn unquote(value: &str) -> &str {
    ['"', '\'']
        .iter()
        .find_map(|&quote| value.strip_prefix(quote)?.strip_suffix(quote))
        .unwrap_or(value)
        .trim()
}

#[cfg(test)]
mod tests;
