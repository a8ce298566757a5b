//! The listings of a run (chapters, playlists, transcripts: [`crate::output::all`]),
//! written from the manifest when their bytes changed.

use std::collections::BTreeMap;

use super::manifest::Manifest;
use super::publish;
use super::stamp::FileStamp;
use super::store::Store;
use crate::config::{Credits, Settings};
use crate::error::{Error, Result};
use crate::output;

/// The listings' file names, and the read-along files' a run writes with (`episode`) or
/// without a current episode, and with the cover `credits` give.
pub fn names(settings: &Settings, episode: bool, credits: &Credits) -> Vec<&'static str> {
    let cover = credits.cover.as_ref().map(|c| c.kind);
    output::all()
        .iter()
        .map(|l| l.file_name())
        .chain(publish::written(settings, episode, cover))
        .collect()
}

/// Writes every listing whose content changed, and returns the stamps of all of them. Each
/// write is a synced temporary file and a rename, mostly waiting on the disk: the files are
/// staged side by side, then placed together.
pub fn write(
    store: &Store,
    manifest: &Manifest,
    credits: &Credits,
) -> Result<BTreeMap<String, FileStamp>> {
    let program = manifest.program(credits);
    let texts: Vec<(&str, String)> = output::all()
        .iter()
        .map(|listing| (listing.file_name(), listing.render(&program)))
        .collect();
    let mut stamps = BTreeMap::new();
    let mut changed = Vec::new();
    for (name, text) in &texts {
        let path = store.out().join(name);
        if std::fs::read(&path).is_ok_and(|old| old == text.as_bytes()) {
            let hash = blake3::hash(text.as_bytes()).to_hex().to_string();
            let stamp = FileStamp::of_placed(&path, hash)
                .map_err(|e| Error::output(&path, "cannot read", e))?;
            stamps.insert((*name).to_owned(), stamp);
        } else {
            changed.push((*name, text));
        }
    }
    let staged: Vec<(String, tempfile::NamedTempFile)> = std::thread::scope(|scope| {
        let writers: Vec<_> = changed
            .iter()
            .map(|(name, text)| {
                scope.spawn(move || -> Result<_> {
                    let mut file = store.stage(name)?;
                    std::io::Write::write_all(&mut file, text.as_bytes())
                        .and_then(|()| file.as_file().sync_all())
                        .map_err(|e| Error::output(store.out().join(name), "cannot write", e))?;
                    Ok(((*name).to_owned(), file))
                })
            })
            .collect();
        writers
            .into_iter()
            .map(|w| w.join().expect("a listing writer panicked"))
            .collect::<Result<_>>()
    })?;
    let names: Vec<String> = staged.iter().map(|(n, _)| n.clone()).collect();
    for (name, stamp) in names.into_iter().zip(store.place_all(staged)?) {
        stamps.insert(name, stamp);
    }
    Ok(stamps)
}
