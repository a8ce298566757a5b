//! The episode's part of completing a run: `episode.mp3` (and `episode.wav`, and ACX's
//! chapter files) written from the segments or kept from the last run, and the episode
//! files of the last run that this one does not leave removed.

use std::collections::HashSet;

use super::acx;
use super::episode;
use super::events::Summary;
use super::manifest::{EpisodeEntry, Manifest};
use super::segments::Segments;
use super::store::Store;
use crate::audio::loudness::Preset;
use crate::config::{Credits, Settings};
use crate::error::Result;

/// The episode a run writes, keeps or leaves alone.
pub(super) struct EpisodeWork {
    /// The hash of the episode this run should leave (none: it makes no episode).
    pub(super) hash: Option<String>,
    /// The last run's episode, still right.
    pub(super) reuse: Option<EpisodeEntry>,
    /// The segments of `episode.mp3`, when it is neither off nor reused.
    pub(super) segments: Option<Segments>,
    /// `episode.wav` being written, when it is neither off nor reused.
    pub(super) wav: Option<episode::WavWriter>,
    /// Segments the encoders made while the paragraphs were spoken.
    pub(super) encoded: usize,
}

/// The episode of `manifest` (whose paragraph files are in place): the last run's when it
/// is still right, else `episode.mp3` from the segments (and `episode.wav` when written),
/// counted in `summary`; the last run's episode files it does not keep are removed.
pub(super) fn finish(
    finishing: &Finishing,
    manifest: &Manifest,
    hash: String,
    work: EpisodeWork,
    summary: &mut Summary,
) -> Result<EpisodeEntry> {
    let (store, previous) = (finishing.store, finishing.previous);
    let entry = episode(finishing, manifest, hash, work, summary)?;
    // An episode.wav of an earlier run, now not asked for, would be an older program.
    let wav = episode::WAV.to_owned();
    if !entry.files.contains_key(&wav) && finishing.owned.contains(&wav) {
        store.remove(&wav)?;
    }
    // So would ACX chapter files not written this time (a chapter gone, acx off).
    for name in previous.iter().flat_map(|e| e.files.keys()) {
        if acx::is_chapter_file(name) && !entry.files.contains_key(name) {
            store.remove(name)?;
        }
    }
    Ok(entry)
}

/// The episode itself: the last run's when it is still right, else written from the
/// segments, with the ACX chapter files when asked for.
fn episode(
    finishing: &Finishing,
    manifest: &Manifest,
    hash: String,
    work: EpisodeWork,
    summary: &mut Summary,
) -> Result<EpisodeEntry> {
    let Finishing {
        store,
        settings,
        previous,
        credits,
        owned,
    } = *finishing;
    let segments = match (work.reuse, work.segments) {
        (Some(entry), _) => return Ok(entry),
        (None, Some(segments)) => segments,
        (None, None) => unreachable!("an episode to write has its segments"),
    };
    summary.episode_written = true;
    let (entry, mut assembled) =
        episode::finish(store, manifest, credits, hash, &segments, work.wav)?;
    summary.warnings.append(&mut assembled.warnings);
    summary.segments_encoded = work.encoded + assembled.encoded;
    summary.segments_reused = manifest.paragraphs.len() - summary.segments_encoded;
    let mut entry = entry;
    if settings.master.loudness == Preset::Acx {
        let layout = &settings.layout;
        let written = acx::write(
            store,
            manifest,
            credits.artist.as_deref().unwrap_or_default(),
            (layout, owned),
            &segments,
            previous,
        )?;
        let names: Vec<String> = written.files.keys().cloned().collect();
        summary.acx_written = written.written;
        entry.files.extend(written.files);
        entry.chapters = written.hashes;
        summary.acx = acx::measure(store.out(), &names)?;
    }
    Ok(entry)
}

/// What finishing the episode needs besides the episode's own work.
pub(super) struct Finishing<'a> {
    pub(super) store: &'a Store,
    pub(super) settings: &'a Settings,
    /// The last run's episode.
    pub(super) previous: Option<&'a EpisodeEntry>,
    pub(super) credits: &'a Credits,
    /// The files of the output folder that are narrate's.
    pub(super) owned: &'a HashSet<String>,
}
