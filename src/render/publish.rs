//! The read-along files, written from the manifest once the episode is in place: the page
//! (`read-along.html`), the EPUB (`narration.epub`, which holds `episode.mp3`), the RSS
//! item (`episode.rss.xml`, which gives the MP3's size) and the cover (`cover.jpg` or
//! `cover.png`, a copy of the one set, which the page and the feed link to).
//!
//! They are listings: rebuilt on every run and written only when their bytes changed, so a
//! one-sentence edit rewrites them without speaking anything else; a first run journals them
//! before writing them. The EPUB and the RSS item exist only beside a current episode (one
//! this run wrote or kept), the cover only beside the page or the feed; one switched off,
//! or left without its episode, is removed when it is narrate's.

use std::collections::HashSet;

use super::episode;
use super::manifest::Manifest;
use super::stamp::{hash_file, FileStamp};
use super::store::Store;
use crate::config::{Credits, Settings, Source};
use crate::error::{Error, Result};
use crate::output::book::{language_of_voice, ImageKind};
use crate::output::readalong::Audio;
use crate::output::{epub, readalong, rss, Book, Metadata};

/// Every file this module may write.
pub const NAMES: [&str; 5] = [
    readalong::FILE,
    epub::FILE,
    rss::FILE,
    ImageKind::Jpeg.cover_file(),
    ImageKind::Png.cover_file(),
];

/// Each file with whether a run with these settings writes it; `episode` says whether the
/// run has a current episode, `cover` the format of the cover, if one is set.
pub fn planned(
    settings: &Settings,
    episode: bool,
    cover: Option<ImageKind>,
) -> [(&'static str, bool); 5] {
    let page = settings.publish.read_along;
    let linked = |kind| cover == Some(kind) && (page || episode);
    [
        (readalong::FILE, page),
        (epub::FILE, settings.publish.epub && episode),
        (rss::FILE, episode),
        (ImageKind::Jpeg.cover_file(), linked(ImageKind::Jpeg)),
        (ImageKind::Png.cover_file(), linked(ImageKind::Png)),
    ]
}

/// The files a run with these settings writes.
pub fn written(
    settings: &Settings,
    episode: bool,
    cover: Option<ImageKind>,
) -> impl Iterator<Item = &'static str> {
    planned(settings, episode, cover)
        .into_iter()
        .filter_map(|(name, on)| on.then_some(name))
}

/// What the formats know of the work: the manifest's title, `credits`, the voice's
/// language, `SOURCE_DATE_EPOCH` or else the script's modification time, and the base URL.
fn metadata(settings: &Settings, manifest: &Manifest, credits: &Credits) -> Metadata {
    let modified = settings
        .publish
        .source_date
        .or_else(|| match &settings.script.script {
            Source::File(path) => std::fs::metadata(path).and_then(|m| m.modified()).ok(),
            Source::Stdin => None,
        });
    Metadata {
        title: manifest.title.clone(),
        author: credits.artist.clone().unwrap_or_default(),
        language: language_of_voice(&settings.script.voice.voice.0),
        album: credits.album.clone(),
        description: credits.description.clone(),
        date: credits.date.map(|d| d.start()),
        date_given: credits.date.map(|d| d.to_string()),
        modified,
        cover: credits.cover.as_ref().map(|c| c.image()),
        episode: credits.track,
        base_url: settings.publish.base_url.clone(),
    }
}

/// Writes the files a run writes (those whose bytes changed) and removes the others where
/// `owned` says they are narrate's. `episode` says whether `episode.mp3` is current.
/// Returns the stamps of the files written or left as they were.
pub fn write(
    store: &Store,
    manifest: &Manifest,
    settings: &Settings,
    credits: &Credits,
    episode: bool,
    owned: &HashSet<String>,
) -> Result<Vec<(String, FileStamp)>> {
    let book = Book::new(&manifest.program(credits));
    let meta = metadata(settings, manifest, credits);
    let mp3_path = store.out().join(episode::MP3);
    let cover = meta.cover.as_ref().map(|c| c.kind);
    let [page, ebook, feed, jpeg, png] = planned(settings, episode, cover);
    // The EPUB holds the MP3; the feed needs only its size.
    let mp3_len = if ebook.1 || feed.1 {
        std::fs::metadata(&mp3_path)
            .map_err(|e| Error::output(&mp3_path, "cannot read", e))?
            .len()
    } else {
        0
    };
    let mut stamps = Vec::new();
    let mut put = |(name, on): (&str, bool), bytes: &dyn Fn() -> Result<Vec<u8>>| -> Result<()> {
        if !on {
            return if owned.contains(name) {
                store.remove(name)
            } else {
                Ok(())
            };
        }
        let bytes = bytes()?;
        let path = store.out().join(name);
        let stamp = if std::fs::read(&path).is_ok_and(|old| old == bytes) {
            let hash = blake3::hash(&bytes).to_hex().to_string();
            FileStamp::of_placed(&path, hash).map_err(|e| Error::output(&path, "cannot read", e))?
        } else {
            store.write(name, &bytes)?
        };
        stamps.push((name.to_owned(), stamp));
        Ok(())
    };
    put(page, &|| {
        let audio = if episode {
            Audio::Episode(episode::MP3)
        } else {
            Audio::Paragraphs
        };
        Ok(readalong::render(&book, &meta, audio).into_bytes())
    })?;
    put(feed, &|| {
        let enclosure = rss::Enclosure {
            file: episode::MP3,
            length: mp3_len,
        };
        let page = page.1.then_some(readalong::FILE);
        Ok(rss::render(&book, &meta, enclosure, page).into_bytes())
    })?;
    for file in [jpeg, png] {
        put(file, &|| {
            Ok(meta
                .cover
                .as_ref()
                .map(|c| c.bytes.clone())
                .unwrap_or_default())
        })?;
    }
    if ebook.1 {
        stamps.push((
            epub::FILE.to_owned(),
            write_epub(store, &book, &meta, &mp3_path, mp3_len)?,
        ));
    } else if owned.contains(epub::FILE) {
        store.remove(epub::FILE)?;
    }
    Ok(stamps)
}

/// Writes the EPUB (which holds the MP3 at `mp3_path`, copied as it is read) to a staged
/// file, and puts it in place unless the file there already has the same bytes.
fn write_epub(
    store: &Store,
    book: &Book,
    meta: &Metadata,
    mp3_path: &std::path::Path,
    mp3_len: u64,
) -> Result<FileStamp> {
    let path = store.out().join(epub::FILE);
    let staged = store.stage(epub::FILE)?;
    let mut mp3 = std::io::BufReader::new(
        std::fs::File::open(mp3_path).map_err(|e| Error::output(mp3_path, "cannot read", e))?,
    );
    let out = std::io::BufWriter::new(staged.as_file());
    let out = epub::write(out, book, meta, &mut mp3, mp3_len)
        .map_err(|e| Error::output(&path, "cannot build", std::io::Error::other(e)))?;
    out.into_inner()
        .map_err(|e| Error::output(&path, "cannot write", e.into_error()))?;
    let cannot_read = |e| Error::output(&path, "cannot read", e);
    let (new, _) = hash_file(staged.path()).map_err(cannot_read)?;
    if path.is_file() && hash_file(&path).map_err(cannot_read)?.0 == new {
        return FileStamp::of_placed(&path, new).map_err(cannot_read);
    }
    store.place(epub::FILE, staged)
}
