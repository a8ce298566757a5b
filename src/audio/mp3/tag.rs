//! The episode's ID3v2.3 tag: title (TIT2), artist (TPE1), album (TALB), date (TYER and
//! TDAT, v2.3's spelling of v2.4's TDRC), genre (TCON), description (COMM), track (TRCK),
//! cover (APIC, the front cover), and one CHAP frame per chapter (with a TIT2 title) under
//! a single top-level, ordered CTOC frame, which some players need before they show any
//! chapters. v2.3 rather than v2.4 because more podcast apps read it.
//!
//! A tag can be written with room to spare (ID3 padding), so that a changed title or artist
//! is written over the old tag in place, without copying the audio behind it.

use std::collections::HashSet;
use std::io::{Read, Seek, SeekFrom, Write};

use id3::frame::{Chapter, Comment, Picture as Apic, PictureType, TableOfContents};
use id3::{Frame, Tag, TagLike, Version};

use super::Error;

/// A chapter: a span of the episode with a title.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChapterMark {
    /// Element id, unique in the file (e.g. `ch1`); CTOC lists chapters by it.
    pub id: String,
    pub title: String,
    pub start_ms: u32,
    pub end_ms: u32,
}

/// What the ID3v2 tag says. Empty `title` or `artist` strings, and unset or empty
/// optional fields, are left out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tags {
    pub title: String,
    pub artist: String,
    pub album: Option<String>,
    pub date: Option<TagDate>,
    pub genre: Option<String>,
    /// The episode's description (a COMM frame).
    pub comment: Option<String>,
    /// The episode's number, or the file's place among its album's files (TRCK).
    pub track: Option<u32>,
    /// How many files the album has (TRCK `n/N`, with `track`).
    pub track_total: Option<u32>,
    pub cover: Option<Picture>,
    /// In playing order.
    pub chapters: Vec<ChapterMark>,
}

/// A year, or a day of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TagDate {
    pub year: i32,
    /// Month (1-12) and day (1-31).
    pub month_day: Option<(u8, u8)>,
}

/// The front cover.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Picture {
    /// `image/jpeg` or `image/png`.
    pub mime: &'static str,
    pub data: std::sync::Arc<Vec<u8>>,
}

/// The language of the COMM frame: ISO 639-2, as most readers look for English.
const COMMENT_LANGUAGE: &str = "eng";

/// Element id of the table of contents.
pub const TOC_ID: &str = "toc";

/// Size of an ID3v2 header (and of the tag's smallest possible size).
const HEADER: usize = 10;

/// The least padding an episode's tag gets: room for a longer title and artist.
const ROOM: usize = 1024;

/// An episode's tag is padded to a multiple of this, so that small changes keep its size.
const BLOCK: usize = 4096;

/// Writes the tag for `tags` over the tag of `len` bytes at the current position of `out`:
/// a stream started with chapter times unknown gets them this way. The new tag must have
/// the old one's size, which holds when only the times changed (they are fixed-size fields).
pub fn write_tag<W: Write>(out: &mut W, len: u64, tags: &Tags) -> Result<(), Error> {
    let tag = encode(tags, 0)?;
    if tag.len() as u64 != len {
        return Err(Error::TagSize {
            was: len,
            now: tag.len() as u64,
        });
    }
    out.write_all(&tag).map_err(Error::Io)
}

/// The tag for `tags` with room to spare: at least 1 KiB of padding, the whole a multiple
/// of 4 KiB, so that [`retag`] can usually change the title or artist in place.
pub fn padded_tag(tags: &Tags) -> Result<Vec<u8>, Error> {
    let bare = encode(tags, 0)?;
    let size = (bare.len() + ROOM).div_ceil(BLOCK) * BLOCK;
    sized(tags, bare.len(), size)
}

/// Replaces the ID3v2 tag at the start of `file` with the tag for `tags`, padded to the old
/// tag's size, and leaves the audio behind it untouched. Fails with [`Error::TagSize`] when
/// the new tag does not fit (then the whole file must be written again), and with
/// [`Error::NoTag`] when the file does not start with an ID3v2 tag.
///
/// Not atomic: a crash during the write of these few kilobytes can leave a torn tag. A
/// caller that cannot accept this writes a copy and renames it instead.
pub fn retag<F: Read + Write + Seek>(file: &mut F, tags: &Tags) -> Result<(), Error> {
    let mut header = [0u8; HEADER];
    file.seek(SeekFrom::Start(0))
        .and_then(|_| file.read_exact(&mut header))
        .map_err(Error::Io)?;
    let size = tag_size(&header).ok_or(Error::NoTag)?;
    let bare = encode(tags, 0)?.len();
    let tag = sized(tags, bare, size)?;
    file.seek(SeekFrom::Start(0))
        .and_then(|_| file.write_all(&tag))
        .and_then(|()| file.flush())
        .map_err(Error::Io)
}

/// The whole size of the ID3v2 tag whose header is `header` (header included), if it is one.
pub(super) fn tag_size(header: &[u8; HEADER]) -> Option<usize> {
    if &header[..3] != b"ID3" || header[6..].iter().any(|b| b & 0x80 != 0) {
        return None;
    }
    let body = header[6..]
        .iter()
        .fold(0usize, |acc, &b| (acc << 7) | usize::from(b));
    // A v2.4 footer repeats the header after the body.
    let footer = if header[3] == 4 && header[5] & 0x10 != 0 {
        HEADER
    } else {
        0
    };
    Some(HEADER + body + footer)
}

/// The tag for `tags` padded to exactly `size` bytes; `bare` is its size without padding.
fn sized(tags: &Tags, bare: usize, size: usize) -> Result<Vec<u8>, Error> {
    if bare > size {
        return Err(Error::TagSize {
            was: size as u64,
            now: bare as u64,
        });
    }
    encode(tags, size - bare)
}

/// The ID3v2.3 tag, encoded, followed by `padding` zero bytes (counted in its size).
fn encode(tags: &Tags, padding: usize) -> Result<Vec<u8>, Error> {
    let mut tag = Tag::new();
    if !tags.title.is_empty() {
        tag.set_title(tags.title.as_str());
    }
    if !tags.artist.is_empty() {
        tag.set_artist(tags.artist.as_str());
    }
    if let Some(album) = tags.album.as_deref().filter(|a| !a.is_empty()) {
        tag.set_album(album);
    }
    if let Some(date) = tags.date {
        tag.set_text("TYER", format!("{:04}", date.year));
        if let Some((month, day)) = date.month_day {
            tag.set_text("TDAT", format!("{day:02}{month:02}"));
        }
    }
    if let Some(genre) = tags.genre.as_deref().filter(|g| !g.is_empty()) {
        tag.set_genre(genre);
    }
    if let Some(comment) = tags.comment.as_deref().filter(|c| !c.is_empty()) {
        tag.add_frame(Comment {
            lang: COMMENT_LANGUAGE.to_owned(),
            description: String::new(),
            text: comment.to_owned(),
        });
    }
    if let Some(track) = tags.track {
        tag.set_track(track);
        if let Some(total) = tags.track_total {
            tag.set_total_tracks(total);
        }
    }
    if let Some(cover) = &tags.cover {
        tag.add_frame(Apic {
            mime_type: cover.mime.to_owned(),
            picture_type: PictureType::CoverFront,
            description: String::new(),
            data: cover.data.to_vec(),
        });
    }
    check_chapters(&tags.chapters)?;
    for chapter in &tags.chapters {
        tag.add_frame(Chapter {
            element_id: chapter.id.clone(),
            start_time: chapter.start_ms,
            end_time: chapter.end_ms,
            // All ones: "use the times, not byte offsets".
            start_offset: u32::MAX,
            end_offset: u32::MAX,
            frames: vec![Frame::text("TIT2", chapter.title.as_str())],
        });
    }
    if !tags.chapters.is_empty() {
        tag.add_frame(TableOfContents {
            element_id: TOC_ID.to_owned(),
            top_level: true,
            ordered: true,
            elements: tags.chapters.iter().map(|c| c.id.clone()).collect(),
            frames: Vec::new(),
        });
    }
    let mut out = Vec::new();
    let encoder = id3::Encoder::new().version(Version::Id3v23);
    let encoder = if padding > 0 {
        encoder.padding(padding)
    } else {
        encoder
    };
    encoder.encode(&tag, &mut out).map_err(Error::Tag)?;
    Ok(out)
}

/// Chapter ids must be unique, non-empty and not the TOC's; spans must not run backwards.
fn check_chapters(chapters: &[ChapterMark]) -> Result<(), Error> {
    let mut seen = HashSet::new();
    for (index, chapter) in chapters.iter().enumerate() {
        let problem = if chapter.id.is_empty() {
            Some("empty id")
        } else if chapter.id == TOC_ID {
            Some("id is reserved for the table of contents")
        } else if !seen.insert(chapter.id.as_str()) {
            Some("id used twice")
        } else if chapter.end_ms < chapter.start_ms {
            Some("ends before it starts")
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(Error::Chapter {
                index,
                id: chapter.id.clone(),
                problem,
            });
        }
    }
    Ok(())
}

/// The unpadded tag, as [`super::Writer`] puts it in front of a continuous encode.
pub(super) fn bare_tag(tags: &Tags) -> Result<Vec<u8>, Error> {
    encode(tags, 0)
}
