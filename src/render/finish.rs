//! The finishing half of a run: each paragraph's loudness, its file, and its part of the
//! episode, on a thread of its own while the next paragraph is spoken.

use super::episode;
use super::stamp::FileStamp;
use super::store::Store;
use crate::audio::loudness::{Loudness, Target};
use crate::audio::{self, Pcm};
use crate::error::{Error, Result};

/// A paragraph for the finisher.
pub(super) enum Job {
    /// Freshly assembled audio, for the file `file`; `slot` is its manifest entry.
    Fresh { slot: usize, file: String, pcm: Pcm },
    /// A paragraph file left as it is; the episode reads it.
    Kept { file: String },
}

/// The second half of a paragraph's way: loudness, its file, the episode.
pub(super) struct Finisher<'a> {
    pub store: &'a Store,
    pub target: Option<Target>,
    pub stream: Option<episode::Stream>,
}

/// A fresh paragraph's file: its manifest slot, measured loudness and stamp.
pub(super) type Finished = (usize, Option<Loudness>, FileStamp);

impl Finisher<'_> {
    /// Finishes every paragraph sent, in order, until the sender hangs up. Returns each
    /// fresh paragraph's file, and the episode.
    pub fn run(
        mut self,
        queue: std::sync::mpsc::Receiver<Job>,
    ) -> Result<(Vec<Finished>, Option<episode::Stream>)> {
        let mut measured = Vec::new();
        for job in queue {
            match job {
                Job::Fresh {
                    slot,
                    file,
                    mut pcm,
                } => {
                    let loudness = match &self.target {
                        Some(target) => Some(
                            crate::audio::loudness::normalize(&mut pcm.samples, pcm.rate, target)
                                .map_err(|e| Error::Other(e.into()))?
                                .after,
                        ),
                        None => None,
                    };
                    let staged = self.store.stage(&file)?;
                    audio::wav::write_to(staged.as_file(), &pcm).map_err(|e| {
                        Error::output(self.store.out().join(&file), "cannot write", e)
                    })?;
                    let stamp = self.store.place(&file, staged)?;
                    measured.push((slot, loudness, stamp));
                    if let Some(stream) = &mut self.stream {
                        // The episode gets the file's samples, as a later run reading the
                        // file would: clean and incremental builds give the same episode.
                        for s in &mut pcm.samples {
                            *s = audio::to_f32(audio::to_i16(*s));
                        }
                        stream.push(&pcm.samples)?;
                    }
                }
                Job::Kept { file } => {
                    if let Some(stream) = &mut self.stream {
                        let path = self.store.out().join(&file);
                        let pcm = audio::wav::read(&path)
                            .map_err(|e| Error::output(&path, "cannot read", e))?;
                        stream.push(&pcm.samples)?;
                    }
                }
            }
        }
        Ok((measured, self.stream))
    }
}
