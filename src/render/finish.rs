//! The finishing half of a run: each paragraph's loudness, its file, and its part of the
//! episode, on a thread of its own while the next paragraph is spoken.

use indicatif::ProgressBar;

use super::episode;
use crate::audio::loudness::{Loudness, Target};
use crate::audio::{self, Pcm};
use crate::error::{Error, Result};

/// A paragraph for the finisher.
pub(super) enum Job {
    /// Freshly assembled audio, for the file `file`; `slot` is its manifest entry.
    Fresh {
        slot: usize,
        file: String,
        pcm: Pcm,
        note: String,
    },
    /// A paragraph file left as it is; the episode reads it.
    Kept { file: String },
}

/// The second half of a paragraph's way: loudness, its file, the episode.
pub(super) struct Finisher {
    pub out: std::path::PathBuf,
    pub tmp: std::path::PathBuf,
    pub target: Option<Target>,
    /// Where to say what was written, with `-v`.
    pub verbose: Option<ProgressBar>,
    pub stream: Option<episode::Stream>,
}

impl Finisher {
    /// Finishes every paragraph sent, in order, until the sender hangs up. Returns the
    /// measured loudness of each fresh paragraph by its manifest slot, and the episode.
    #[allow(clippy::type_complexity)] // a pair, named in the doc comment
    pub fn run(
        mut self,
        queue: std::sync::mpsc::Receiver<Job>,
    ) -> Result<(Vec<(usize, Option<Loudness>)>, Option<episode::Stream>)> {
        let mut measured = Vec::new();
        for job in queue {
            match job {
                Job::Fresh {
                    slot,
                    file,
                    mut pcm,
                    note,
                } => {
                    let loudness = match &self.target {
                        Some(target) => Some(
                            crate::audio::loudness::normalize(&mut pcm.samples, pcm.rate, target)
                                .map_err(|e| Error::Other(e.into()))?
                                .after,
                        ),
                        None => None,
                    };
                    let path = self.out.join(&file);
                    audio::wav::write(&path, &self.tmp, &pcm)
                        .map_err(|e| Error::output(&path, "cannot write", e))?;
                    if let Some(progress) = &self.verbose {
                        progress.println(note);
                    }
                    measured.push((slot, loudness));
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
                        let path = self.out.join(&file);
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
