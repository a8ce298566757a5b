//! A spool's normalization in two steps: [`decide`] (passes that only measure), then
//! [`Normalization::apply`] (the result, streamed to a sink).
//!
//! A spool in memory is decided as [`normalize`](super::normalize()) decides, and its
//! result kept from the last trial. A spilled one is read from disk once per pass, and its
//! result is computed again chunk by chunk as it goes to the sink: memory does not grow
//! with the paragraph.

use super::limiter::Limiter;
use super::normalize::{decide_by, scale, How, InMemory, CHUNK};
use super::stream::Streamed;
use super::{Db, Error, Gain, Target};
use crate::audio::spool::{Chunks, Spool};

/// A normalization decided for one spool, to be applied to it: [`decide`] it, then stream
/// the result with [`Normalization::apply`].
#[derive(Debug)]
pub struct Normalization {
    gain: Gain,
    pub(super) how: How,
    /// The result, when the spool is in memory.
    result: Option<Vec<f32>>,
    len: u64,
}

/// Decides how to bring `spool` to `target`, measuring only; [`Normalization::apply`]
/// writes the result. The same rules and, for a spool in memory, exactly the same result
/// as [`normalize`](super::normalize()). A spilled spool is measured by one meter instead
/// of parallel pieces, which agree to about 1e-13 LU: its gain, levels and samples can
/// differ from the in-memory result in the last digits (tested to within 1e-6).
pub fn decide(spool: &Spool, target: &Target) -> Result<Normalization, Error> {
    let ((gain, how), result) = match spool.as_slice() {
        Some(samples) => {
            let mut passes = InMemory::new(samples, spool.rate());
            let decided = decide_by(&mut passes, target)?;
            let result = (decided.1 != How::Unchanged).then_some(passes.out);
            (decided, result)
        }
        None => (decide_by(&mut Streamed::new(spool), target)?, None),
    };
    Ok(Normalization {
        gain,
        how,
        result,
        len: spool.len(),
    })
}

impl Normalization {
    /// What was decided, and the loudness the result measures.
    pub fn gain(&self) -> &Gain {
        &self.gain
    }

    /// Hands the normalized samples of `spool` (the spool this was decided for) to `sink`
    /// in order, at most [`CHUNK`] at a time. Any number of times.
    pub fn apply<E: From<Error>>(
        &self,
        spool: &Spool,
        mut sink: impl FnMut(&[f32]) -> Result<(), E>,
    ) -> Result<(), E> {
        debug_assert_eq!(spool.len(), self.len, "applied to another spool");
        if let Some(result) = &self.result {
            return result.chunks(CHUNK).try_for_each(sink);
        }
        let mut chunks = spool.chunks(CHUNK);
        let mut scaled = Vec::with_capacity(CHUNK);
        match self.how {
            How::Unchanged => {
                while let Some(chunk) = next::<E>(&mut chunks)? {
                    sink(chunk)?;
                }
            }
            How::Scale(gain) => {
                while let Some(chunk) = next::<E>(&mut chunks)? {
                    scale(chunk, gain, &mut scaled);
                    sink(&scaled)?;
                }
            }
            How::Limit { gain, threshold } => {
                let mut limiter = Limiter::new(spool.rate(), Db(threshold));
                // The limiter hands on what is final, which can be more than a chunk.
                let mut out = |limited: &[f32]| limited.chunks(CHUNK).try_for_each(&mut sink);
                while let Some(chunk) = next::<E>(&mut chunks)? {
                    scale(chunk, gain, &mut scaled);
                    limiter.push(&scaled, &mut out)?;
                }
                limiter.finish(&mut out)?;
            }
        }
        Ok(())
    }
}

/// The next chunk, a read error as the sink's error.
fn next<'c, E: From<Error>>(chunks: &'c mut Chunks<'_>) -> Result<Option<&'c [f32]>, E> {
    chunks.next_chunk().map_err(|e| E::from(Error::from(e)))
}
