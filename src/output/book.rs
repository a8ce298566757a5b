//! The script as the read-along formats see it (the page, the EPUB, the RSS item): sections
//! of paragraphs of sentences, every time in whole milliseconds through [`fmt::millis`], so
//! they agree with the transcripts to the millisecond; and [`Metadata`], what is known of
//! the work beyond its text.
//!
//! [`Book::new`] is the one place that reads a [`Program`]: a section is a chapter, with its
//! paragraph files. A Markdown heading is spoken as the first sentence of its section's
//! first paragraph; that sentence becomes the section's [`Section::heading`], so it is shown
//! (and highlighted) as the heading, not in the text. A Markdown `#` title is spoken before
//! that, at the start of the first file: it becomes the [`Book::title`].

use std::time::SystemTime;

use super::{fmt, Program};

/// Sections, paragraphs and sentences with their times.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Book {
    /// The sentence that speaks the program's title at the start (a Markdown `#` title),
    /// if one does: shown as the title, not in the first section's text.
    pub title: Option<Sentence>,
    pub sections: Vec<Section>,
    /// End of the program, ms.
    pub end: u64,
}

/// A chapter: what a chapter list shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// 1-based position.
    pub number: usize,
    /// On one line; never empty (`Chapter N` when the title is).
    pub title: String,
    /// The sentence that speaks the title (a Markdown heading), if one does.
    pub heading: Option<Sentence>,
    pub start: u64,
    pub end: u64,
    pub paragraphs: Vec<Paragraph>,
}

/// One paragraph file and the sentences heard in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paragraph {
    /// File name in the output folder.
    pub file: String,
    pub start: u64,
    pub end: u64,
    pub sentences: Vec<Sentence>,
}

/// A sentence as written, on one line, and when it is heard (program time, ms).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sentence {
    /// 1-based position among the program's sentences, as `transcript.vtt` numbers its cues.
    pub id: usize,
    pub text: String,
    pub start: u64,
    pub end: u64,
}

impl Book {
    /// The book of `program`. Sentences with no text are left out (as the transcripts do).
    pub fn new(program: &Program) -> Book {
        let mut id = 0;
        let tracks: Vec<Paragraph> = program
            .tracks
            .iter()
            .zip(fmt::spans(&program.tracks))
            .map(|(track, (start, end))| Paragraph {
                file: track.file.clone(),
                start,
                end,
                sentences: track
                    .cues
                    .iter()
                    .map(|cue| (fmt::one_line(&cue.text), cue))
                    .filter(|(text, _)| !text.is_empty())
                    .map(|(text, cue)| {
                        id += 1;
                        Sentence {
                            id,
                            text,
                            start: fmt::millis(cue.start),
                            end: fmt::millis(cue.end),
                        }
                    })
                    .collect(),
            })
            .collect();
        let program_title = fmt::one_line(&program.title);
        let mut book_title = None;
        let sections = program
            .chapters
            .iter()
            .zip(fmt::spans(&program.chapters))
            .map(|(chapter, (start, end))| {
                let mut paragraphs = tracks[chapter.tracks.clone()].to_vec();
                let title = fmt::one_line(&chapter.title);
                if let (1, Some(first)) = (chapter.number, paragraphs.first_mut()) {
                    let sentences = &mut first.sentences;
                    if sentences.len() > 1
                        && title != program_title
                        && sentences[0].text == program_title
                    {
                        book_title = Some(sentences.remove(0));
                    }
                }
                let heading = paragraphs.first_mut().and_then(|first| {
                    let sentences = &mut first.sentences;
                    (sentences.len() > 1 && sentences[0].text == title).then(|| sentences.remove(0))
                });
                Section {
                    number: chapter.number,
                    title: if title.is_empty() {
                        format!("Chapter {}", chapter.number)
                    } else {
                        title
                    },
                    heading,
                    start,
                    end,
                    paragraphs,
                }
            })
            .collect();
        Book {
            title: book_title,
            sections,
            end: fmt::end(&program.tracks),
        }
    }

    /// Every sentence in the order heard, headings included.
    pub fn sentences(&self) -> impl Iterator<Item = &Sentence> {
        self.title.iter().chain(self.sections.iter().flat_map(|s| {
            s.heading
                .iter()
                .chain(s.paragraphs.iter().flat_map(|p| p.sentences.iter()))
        }))
    }
}

/// What is known of the work beyond its text. Strings may hold anything; every format
/// escapes them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Metadata {
    pub title: String,
    /// Author (artist); may be empty.
    pub author: String,
    /// BCP 47 language tag, e.g. `en-US` ([`language_of_voice`]).
    pub language: String,
    /// The show (album) the episode belongs to.
    pub album: Option<String>,
    pub description: Option<String>,
    /// When the work is published (front matter `date`).
    pub date: Option<SystemTime>,
    /// That date as given, for people and for the EPUB's `dc:date`: `YYYY` or `YYYY-MM-DD`.
    pub date_given: Option<String>,
    /// When the script was last changed: the EPUB's `dcterms:modified`, and the RSS
    /// `pubDate` without [`Metadata::date`]. A time read from the inputs, never "now", so
    /// that a clean build and an incremental one write the same bytes.
    pub modified: Option<SystemTime>,
    pub cover: Option<Cover>,
    /// The episode's number in its show.
    pub episode: Option<u32>,
    /// Where the output folder is published (`https://example.com/ep1/`); links are
    /// relative to the file that holds them without it.
    pub base_url: Option<String>,
}

/// A cover image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cover {
    pub bytes: Vec<u8>,
    pub kind: ImageKind,
}

/// The image formats a cover may have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageKind {
    Jpeg,
    Png,
}

impl ImageKind {
    pub fn mime(self) -> &'static str {
        match self {
            ImageKind::Jpeg => "image/jpeg",
            ImageKind::Png => "image/png",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ImageKind::Jpeg => "jpg",
            ImageKind::Png => "png",
        }
    }

    /// The cover's file name in the output folder (and in the EPUB): `cover.jpg`, `cover.png`.
    pub const fn cover_file(self) -> &'static str {
        match self {
            ImageKind::Jpeg => "cover.jpg",
            ImageKind::Png => "cover.png",
        }
    }
}

impl Metadata {
    /// The address of `file` of the output folder: under the base URL, else `file` itself.
    pub fn url(&self, file: &str) -> String {
        match &self.base_url {
            Some(base) => format!("{}/{file}", base.trim_end_matches('/')),
            None => file.to_owned(),
        }
    }

    /// A `urn:uuid:` made from the title, author and show: the same work keeps its
    /// identifier through edits (the EPUB's `dcterms:modified` tells versions apart).
    pub fn identifier(&self) -> String {
        let key = [
            self.title.as_str(),
            self.author.as_str(),
            self.album.as_deref().unwrap_or_default(),
        ]
        .join("\u{0}");
        let hash = blake3::hash(key.as_bytes());
        let mut b = [0u8; 16];
        b.copy_from_slice(&hash.as_bytes()[..16]);
        // RFC 9562 version 8 (made by the application), variant 10.
        b[6] = (b[6] & 0x0f) | 0x80;
        b[8] = (b[8] & 0x3f) | 0x80;
        let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
        format!(
            "urn:uuid:{}-{}-{}-{}-{}",
            &hex[..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..]
        )
    }
}

/// The BCP 47 language of a voice name: `en-us` and `en_US-joe-medium` (a Piper voice, by
/// name or path) give `en-US`, `fr` gives `fr`; a name that starts with no language code
/// (`Alex`, `Microsoft David`) gives `und`.
pub fn language_of_voice(voice: &str) -> String {
    let name = voice.rsplit(['/', '\\']).next().unwrap_or(voice);
    let mut parts = name.split(['-', '_', '.']);
    let language = parts.next().unwrap_or_default();
    let is_code = (2..=3).contains(&language.len())
        && language.chars().all(|c| c.is_ascii_alphabetic())
        && (language == language.to_ascii_lowercase() || name.contains('_'));
    if !is_code {
        return "und".to_owned();
    }
    let language = language.to_ascii_lowercase();
    match parts.next() {
        Some(r) if r.len() == 2 && r.chars().all(|c| c.is_ascii_alphabetic()) => {
            format!("{language}-{}", r.to_ascii_uppercase())
        }
        _ => language,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{fixture, Cue};
    use super::*;

    #[test]
    fn sentences_are_numbered_as_the_vtt_cues_with_the_listings_times() {
        let program = fixture::program();
        let book = Book::new(&program);
        let cues: Vec<_> = program.cues().collect();
        let sentences: Vec<_> = book.sentences().collect();
        assert_eq!(sentences.len(), cues.len());
        for (i, (s, cue)) in sentences.iter().zip(cues).enumerate() {
            assert_eq!(s.id, i + 1);
            assert_eq!(s.text, fmt::one_line(&cue.text));
            assert_eq!(
                (s.start, s.end),
                (fmt::millis(cue.start), fmt::millis(cue.end))
            );
        }
        assert_eq!(book.sections.len(), 3);
        assert_eq!(book.end, fmt::end(&program.chapters));
    }

    #[test]
    fn a_spoken_heading_becomes_the_sections_heading() {
        let mut program = fixture::program();
        program.chapters[1].title = "Then silence.".to_owned();
        program.tracks[1].cues[0].text = "Then silence.".to_owned();
        let book = Book::new(&program);
        let section = &book.sections[1];
        assert_eq!(section.heading.as_ref().map(|h| h.id), Some(3));
        assert_eq!(section.paragraphs[0].sentences.len(), 1);
        assert_eq!(book.sentences().count(), 6);
        // A paragraph that is only its title keeps it as text.
        program.tracks[1].cues.truncate(1);
        assert!(Book::new(&program).sections[1].heading.is_none());
    }

    #[test]
    fn a_section_holds_the_files_of_its_chapter() {
        let program = fixture::sections();
        let book = Book::new(&program);
        let files: Vec<Vec<&str>> = (book.sections.iter())
            .map(|s| s.paragraphs.iter().map(|p| p.file.as_str()).collect())
            .collect();
        assert_eq!(
            files,
            [
                vec!["01-it-is-abundantly-clear.wav"],
                vec![
                    "02-salt-pepper-now.wav",
                    "03-cafe-creme-naive-true-1-back.wav"
                ],
            ]
        );
        let second = &book.sections[1];
        assert_eq!(second.title, "Second");
        assert_eq!(
            (second.start, second.end),
            (second.paragraphs[0].start, book.end)
        );
        assert_eq!(second.paragraphs[0].end, second.paragraphs[1].start);
        assert_eq!(book.sentences().count(), program.cues().count());
    }

    #[test]
    fn a_spoken_document_title_is_the_books_title_not_the_first_sections_text() {
        let mut program = fixture::sections();
        program.title = "It is \"abundantly\" clear, she said.".to_owned();
        program.chapters[0].title = "Nothing else --> matters.".to_owned();
        let end = program.tracks[0].cues[1].end;
        program.tracks[0].cues.push(Cue {
            text: "More.".to_owned(),
            start: end,
            end,
        });
        let book = Book::new(&program);
        assert_eq!(book.title.as_ref().map(|t| t.id), Some(1));
        let first = &book.sections[0];
        assert_eq!(first.heading.as_ref().map(|h| h.id), Some(2));
        assert_eq!(first.paragraphs[0].sentences[0].text, "More.");
        let ids: Vec<usize> = book.sentences().map(|s| s.id).collect();
        assert_eq!(ids, (1..=program.cues().count()).collect::<Vec<_>>());
        // Not when the first section is named after the title (text before any section).
        program.chapters[0].title.clone_from(&program.title);
        assert!(Book::new(&program).title.is_none());
    }

    #[test]
    fn empty_titles_are_named_by_number() {
        let mut program = fixture::program();
        program.chapters[0].title = " \n".to_owned();
        assert_eq!(Book::new(&program).sections[0].title, "Chapter 1");
    }

    #[test]
    fn language_comes_from_the_voice_name() {
        for (voice, tag) in [
            ("en-us", "en-US"),
            ("en-gb-x-rp", "en-GB"),
            ("en_US-joe-medium", "en-US"),
            ("/home/me/voices/de_DE-thorsten-medium.onnx", "de-DE"),
            ("fr", "fr"),
            ("cmn", "cmn"),
            ("Alex", "und"),
            ("Microsoft David Desktop", "und"),
            ("", "und"),
        ] {
            assert_eq!(language_of_voice(voice), tag, "{voice}");
        }
    }

    #[test]
    fn identifier_is_a_stable_uuid_of_the_work() {
        let meta = |title: &str| Metadata {
            title: title.to_owned(),
            author: "A".to_owned(),
            ..Metadata::default()
        };
        let id = meta("T").identifier();
        assert_eq!(id, meta("T").identifier());
        assert_ne!(id, meta("U").identifier());
        let uuid = id.strip_prefix("urn:uuid:").expect("a urn");
        let groups: Vec<usize> = uuid.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12]);
        assert_eq!(&uuid[14..15], "8");
    }

    #[test]
    fn urls_are_relative_without_a_base() {
        let mut meta = Metadata::default();
        assert_eq!(meta.url("episode.mp3"), "episode.mp3");
        meta.base_url = Some("https://example.com/ep/".to_owned());
        assert_eq!(
            meta.url("episode.mp3"),
            "https://example.com/ep/episode.mp3"
        );
    }
}
