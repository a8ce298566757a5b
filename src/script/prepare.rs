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
    pub title: String,
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

/// Titles, numbers, segments and normalizes every paragraph of `doc`.
pub fn prepare(doc: &Document, lexicon: &Lexicon) -> Vec<Paragraph> {
    let total = doc.paragraphs.len();
    doc.paragraphs
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let title = p
                .heading
                .clone()
                .unwrap_or_else(|| naming::title_from_text(&p.text, TITLE_CHARS));
            let mut sentences: Vec<Sentence> = Vec::new();
            if let Some(lead) = &p.lead {
                sentences.push(sentence(lead.clone(), lexicon));
            }
            sentences.extend(
                segment::sentences(&p.text)
                    .into_iter()
                    .map(|s| sentence(s, lexicon)),
            );
            sentences.retain(|s| s.pieces.iter().any(|p| crate::text::is_speakable(p)));
            Paragraph {
                index: i + 1,
                file: naming::file_name(i + 1, total, &naming::slug(&title, SLUG_CHARS)),
                title,
                line: p.line,
                sentences,
            }
        })
        .collect()
}
