//! A parsed document turned into what will be spoken: titled paragraphs of sentences, each
//! sentence with its speakable text cut into engine-sized pieces. Pure; shared by
//! `narrate text` and the renderer so both show exactly the same text.

use serde::Serialize;

use crate::output::naming;
use crate::text::normalize::{self, Lexicon};
use crate::text::segment::{self, MAX_CHARS};
use crate::text::Document;

/// Characters of a paragraph used for its title when it has no heading.
const TITLE_CHARS: usize = 60;
/// Longest slug in a paragraph file name.
const SLUG_CHARS: usize = 40;

/// A sentence: as written (for transcripts) and as spoken (for the engine).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Sentence {
    pub text: String,
    pub speech: String,
    /// The speech cut into pieces the engine accepts; usually one.
    #[serde(skip)]
    pub pieces: Vec<String>,
}

/// A paragraph ready to speak.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Paragraph {
    pub index: usize,
    /// Its title as a file: its chapter's title, with its place when the chapter spans
    /// several files (`How a Barrage Works (2/3)`).
    pub title: String,
    /// The title of the chapter this paragraph opens; none when it continues the one before.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chapter: Option<String>,
    /// File name in the output folder.
    pub file: String,
    /// Line of the script it starts on.
    pub line: usize,
    pub sentences: Vec<Sentence>,
}

fn sentence(text: String, lexicon: &Lexicon) -> Sentence {
    let speech = normalize::speech(&text, lexicon);
    let pieces = segment::split_long(&speech, MAX_CHARS);
    Sentence {
        text,
        speech,
        pieces,
    }
}

/// A list item's sentence, ending as a sentence for the engine when it is written without
/// a final stop (`- milk` is spoken as "milk.").
fn item_sentence(text: String, lexicon: &Lexicon) -> Sentence {
    let mut s = sentence(text, lexicon);
    let closing = ['"', '\'', ')', ']', '\u{201d}', '\u{2019}', '\u{bb}'];
    let last = s.speech.trim_end_matches(closing).chars().next_back();
    if last.is_some_and(char::is_alphanumeric) {
        s.speech.push('.');
        s.pieces = segment::split_long(&s.speech, MAX_CHARS);
    }
    s
}

/// Titles, numbers, segments and normalizes every paragraph of `doc`.
pub fn prepare(doc: &Document, lexicon: &Lexicon) -> Vec<Paragraph> {
    let total = doc.paragraphs.len();
    let places = places(doc);
    doc.paragraphs
        .iter()
        .zip(&places)
        .enumerate()
        .map(|(i, (p, place))| {
            let mut sentences: Vec<Sentence> = (p.lead.iter())
                .map(|lead| sentence(lead.clone(), lexicon))
                .collect();
            if p.items.is_empty() {
                sentences.extend(
                    segment::sentences(&p.text)
                        .into_iter()
                        .map(|s| sentence(s, lexicon)),
                );
            } else {
                sentences.extend(
                    (p.items.iter())
                        .flat_map(|item| segment::sentences(item))
                        .map(|s| item_sentence(s, lexicon)),
                );
            }
            sentences.retain(|s| s.pieces.iter().any(|p| crate::text::is_speakable(p)));
            let title = if place.of > 1 {
                format!("{} ({}/{})", place.title, place.part, place.of)
            } else {
                place.title.clone()
            };
            Paragraph {
                index: i + 1,
                file: naming::file_name(i + 1, total, &naming::slug(&place.title, SLUG_CHARS)),
                title,
                chapter: (place.part == 1).then(|| place.title.clone()),
                line: p.line,
                sentences,
            }
        })
        .collect()
}

/// Where a paragraph is in its chapter.
struct Place {
    /// The chapter's title.
    title: String,
    /// 1-based position in the chapter, and the chapter's number of paragraphs.
    part: usize,
    of: usize,
}

/// The place of each paragraph of `doc` in its chapter. A chapter is titled by its heading,
/// else by the first words of the paragraph that opens it.
fn places(doc: &Document) -> Vec<Place> {
    let mut places: Vec<Place> = Vec::with_capacity(doc.paragraphs.len());
    for p in &doc.paragraphs {
        match places.last() {
            Some(before) if !p.opens => places.push(Place {
                title: before.title.clone(),
                part: before.part + 1,
                of: 1,
            }),
            _ => places.push(Place {
                title: (p.heading.clone())
                    .unwrap_or_else(|| naming::title_from_text(&p.text, TITLE_CHARS)),
                part: 1,
                of: 1,
            }),
        }
    }
    // Each chapter's size, from its last paragraph back.
    let mut of = 0;
    for place in places.iter_mut().rev() {
        of = of.max(place.part);
        place.of = of;
        if place.part == 1 {
            of = 0;
        }
    }
    places
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::parse::parse;
    use crate::text::Format;

    fn prepared(source: &str, format: Format) -> Vec<Paragraph> {
        prepare(&parse(source, format), &Lexicon::default())
    }

    /// (title, chapter opened, file) of each paragraph.
    fn titles(paragraphs: &[Paragraph]) -> Vec<(&str, Option<&str>, &str)> {
        (paragraphs.iter())
            .map(|p| (p.title.as_str(), p.chapter.as_deref(), p.file.as_str()))
            .collect()
    }

    #[test]
    fn a_section_is_one_chapter_and_its_files_are_numbered_in_it() {
        let paragraphs = prepared(
            "# Talk\n\n## One\n\nA.\n\nB.\n\n- x\n- y\n\n## Two\n\nC.\n",
            Format::Markdown,
        );
        assert_eq!(
            titles(&paragraphs),
            [
                ("One (1/3)", Some("One"), "01-one.wav"),
                ("One (2/3)", None, "02-one.wav"),
                ("One (3/3)", None, "03-one.wav"),
                ("Two", Some("Two"), "04-two.wav"),
            ]
        );
        let first: Vec<&str> = (paragraphs[0].sentences.iter())
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(first, ["Talk", "One", "A."]);
    }

    #[test]
    fn without_sections_each_paragraph_is_a_chapter_titled_by_its_words() {
        let paragraphs = prepared("First one here.\n\nSecond one.\n", Format::Plain);
        assert_eq!(
            titles(&paragraphs),
            [
                (
                    "First one here.",
                    Some("First one here."),
                    "01-first-one-here.wav"
                ),
                ("Second one.", Some("Second one."), "02-second-one.wav"),
            ]
        );
        let paragraphs = prepared("Intro words.\n\n## Part\n\nBody.\n", Format::Markdown);
        assert_eq!(
            titles(&paragraphs),
            [
                ("Intro words.", Some("Intro words."), "01-intro-words.wav"),
                ("Part", Some("Part"), "02-part.wav"),
            ]
        );
    }

    #[test]
    fn list_items_are_sentences_ending_as_sentences_when_spoken() {
        let paragraphs = prepared(
            "- milk\n- \"eggs\"\n- bread!\n- two things. Really\n- (flour)\n",
            Format::Markdown,
        );
        assert_eq!(paragraphs.len(), 1);
        let sentences: Vec<(&str, &str)> = (paragraphs[0].sentences.iter())
            .map(|s| (s.text.as_str(), s.speech.as_str()))
            .collect();
        assert_eq!(
            sentences,
            [
                ("milk", "milk."),
                ("\"eggs\"", "\"eggs\"."),
                ("bread!", "bread!"),
                ("two things.", "two things."),
                ("Really", "Really."),
                ("(flour)", "(flour)."),
            ]
        );
        assert!(paragraphs[0]
            .sentences
            .iter()
            .all(|s| s.pieces == [s.speech.clone()]));
    }
}
