//! The speaking half of a run: asks the engine for each paragraph's missing sentences (a
//! batch of whole paragraphs at a time), assembles the paragraph with its pauses, and hands
//! it to the finisher ([`super::finish`]).

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::SyncSender;

use indicatif::ProgressBar;

use super::cache::{self, Cache, Key};
use super::finish::Job;
use super::manifest::{Loaded, ParagraphEntry, SentenceEntry};
use super::plan::{self, Action, Keyed, Plan};
use super::run::Summary;
use super::stamp::FileStamp;
use crate::audio::{self, Pcm};
use crate::config::{Layout, Settings};
use crate::engine::{Engine, SynthRequest};
use crate::error::{Error, Result};

/// What the speaking thread made of a plan.
pub(super) struct Spoken {
    /// One per paragraph that did not fail, in order; the loudness of fresh ones is filled in
    /// from the finisher's results.
    pub entries: Vec<ParagraphEntry>,
    pub summary: Summary,
    /// Files narrate wrote whose paragraph failed this time.
    pub stale: Vec<String>,
}

/// Speaks and assembles the paragraphs of `plan` in order, sending each to the finisher.
#[allow(clippy::too_many_arguments)] // the run's pieces; a struct would only rename them
pub(super) fn speak(
    settings: &Settings,
    plan: &Plan,
    previous: &Loaded,
    owned: &HashSet<String>,
    engine: &mut dyn Engine,
    cache: &Cache,
    progress: &ProgressBar,
    jobs: SyncSender<Job>,
    interrupted: &AtomicBool,
) -> Result<Spoken> {
    let previous = previous.good();
    let rate = engine.sample_rate();
    let mut summary = Summary::default();
    let mut entries = Vec::with_capacity(plan.steps.len());
    let mut stale = Vec::new();
    let previous_entries: HashMap<&str, &ParagraphEntry> = previous
        .iter()
        .flat_map(|m| m.paragraphs.iter().map(|p| (p.file.as_str(), p)))
        .collect();
    // A failed send means the finisher stopped on an error, which it reports.
    let finisher_stopped = || {
        Ok(Spoken {
            entries: Vec::new(),
            summary: Summary::default(),
            stale: Vec::new(),
        })
    };

    let mut ahead = Ahead::default();
    for (i, step) in plan.steps.iter().enumerate() {
        if interrupted.load(Ordering::SeqCst) {
            return Err(Error::Interrupted);
        }
        if i >= ahead.next {
            ahead.fill(
                &plan.steps[i..],
                i,
                engine,
                cache,
                &settings.script.voice,
                rate,
                progress,
                &mut summary,
            )?;
        }
        let p = &step.keyed.paragraph;
        summary.sentences += p.sentences.len();
        if step.action == Action::Keep {
            let old = previous_entries
                .get(p.file.as_str())
                .expect("a kept paragraph is in the previous manifest");
            let mut entry = (*old).clone();
            entry.index = p.index;
            entry.title = p.title.clone();
            // The same speech may be written differently now ("―" for "—"): the listings
            // say what is written.
            for (kept, now) in entry.sentences.iter_mut().zip(&p.sentences) {
                kept.text.clone_from(&now.text);
                kept.speech.clone_from(&now.speech);
            }
            entry.stamp = entry.stamp.refreshed(&settings.output.join(&p.file));
            summary.kept += 1;
            summary.audio += audio::duration(entry.frames, rate);
            entries.push(entry);
            if jobs
                .send(Job::Kept {
                    file: p.file.clone(),
                })
                .is_err()
            {
                return finisher_stopped();
            }
            continue;
        }
        match assemble(
            &step.keyed,
            &settings.layout,
            engine,
            cache,
            &mut ahead.ready,
            &settings.script.voice,
            rate,
            progress,
            &mut summary,
            interrupted,
        ) {
            Ok((pcm, sentences)) => {
                summary.written += 1;
                let spoken = match &step.action {
                    Action::Synthesize { sentences } => sentences.len(),
                    _ => 0,
                };
                summary.written_files.push((p.file.clone(), spoken));
                summary.audio += pcm.duration();
                entries.push(ParagraphEntry {
                    index: p.index,
                    file: p.file.clone(),
                    title: p.title.clone(),
                    hash: step.keyed.hash.clone(),
                    // Filled in when the finisher has placed the file.
                    stamp: FileStamp::default(),
                    frames: pcm.frames(),
                    loudness: None,
                    sentences,
                });
                let job = Job::Fresh {
                    slot: entries.len() - 1,
                    file: p.file.clone(),
                    pcm,
                };
                if jobs.send(job).is_err() {
                    return finisher_stopped();
                }
            }
            Err(Error::Interrupted) => return Err(Error::Interrupted),
            Err(e @ Error::Engine(crate::engine::EngineError::UnknownVoice { .. })) => {
                return Err(e)
            }
            Err(e) => {
                progress.println(format!(
                    "error: paragraph {} (line {}): {e}",
                    p.index, p.line
                ));
                summary.failed.push((p.index, e.to_string()));
                if owned.contains(&p.file) {
                    stale.push(p.file.clone());
                }
            }
        }
    }
    Ok(Spoken {
        entries,
        summary,
        stale,
    })
}

#[allow(clippy::too_many_arguments)] // the pieces of one paragraph job; a struct would only rename them
fn assemble(
    keyed: &Keyed,
    layout: &Layout,
    engine: &mut dyn Engine,
    cache: &Cache,
    ready: &mut HashMap<Key, Vec<i16>>,
    voice: &crate::config::Voice,
    rate: u32,
    progress: &ProgressBar,
    summary: &mut Summary,
    interrupted: &AtomicBool,
) -> Result<(Pcm, Vec<SentenceEntry>)> {
    let mut pcm = Pcm::new(rate);
    pcm.push_silence(layout.head);
    let mut entries = Vec::with_capacity(keyed.paragraph.sentences.len());
    for (sentence, keys) in keyed.paragraph.sentences.iter().zip(&keyed.keys) {
        let start = pcm.frames();
        for (i, (piece, key)) in sentence.pieces.iter().zip(keys).enumerate() {
            if interrupted.load(Ordering::SeqCst) {
                return Err(Error::Interrupted);
            }
            let found = match ready.remove(key) {
                Some(samples) => Found::Ready(samples),
                None => match cache.get(key, rate) {
                    cache::Lookup::Hit(samples) => Found::Cached(samples),
                    cache::Lookup::Miss => Found::Missing,
                    cache::Lookup::Damaged(path, why) => {
                        summary.warnings.push(format!(
                            "{}: damaged cache entry ({why}); speaking the sentence again",
                            path.display()
                        ));
                        Found::Missing
                    }
                },
            };
            let samples = match found {
                Found::Ready(samples) => samples,
                Found::Cached(samples) => {
                    summary.cached += 1;
                    samples
                }
                Found::Missing => {
                    // Only when the batch spoken ahead failed on this piece (speaking it
                    // again here reports the error with its paragraph), or the cache entry
                    // the plan counted on was damaged.
                    let speech = engine.synthesize(&request(piece, voice))?;
                    keep(cache, key, speech, rate, progress, summary)?
                }
            };
            if i > 0 {
                // Pieces of one long sentence: a short breath, not a sentence pause.
                pcm.push_silence(layout.sentence_pause / 3);
            }
            pcm.push_speech(&samples, layout.fade);
        }
        entries.push(SentenceEntry {
            text: sentence.text.clone(),
            speech: sentence.speech.clone(),
            keys: keys.clone(),
            start,
            end: pcm.frames(),
        });
        pcm.push_silence(layout.sentence_pause);
    }
    // The last sentence's pause is replaced by the paragraph tail.
    let pause = audio::frames(layout.sentence_pause, rate) as usize;
    if !entries.is_empty() {
        pcm.samples.truncate(pcm.samples.len() - pause);
    }
    pcm.push_silence(layout.tail);
    Ok((pcm, entries))
}

/// Where a piece's audio comes from while assembling.
enum Found {
    /// Spoken ahead in this run.
    Ready(Vec<i16>),
    Cached(Vec<i16>),
    Missing,
}

/// Speech spoken ahead of assembly, a batch at a time.
#[derive(Default)]
struct Ahead {
    /// Samples of pieces spoken in the current batch and not assembled yet.
    ready: HashMap<Key, Vec<i16>>,
    /// Index of the first step the current batch does not cover.
    next: usize,
}

impl Ahead {
    /// Speaks the missing pieces of `steps` (which start at step `first`), whole paragraphs
    /// at a time, until at least [`Engine::batch`] pieces or the last step, in one engine
    /// call (a paragraph at a time for most engines, so that the finisher starts early); each
    /// piece goes to the cache as it comes back. A piece that failed is left out: assembly
    /// speaks it again and reports the error with its paragraph.
    #[allow(clippy::too_many_arguments)] // the run's pieces, as for `assemble`
    fn fill(
        &mut self,
        steps: &[plan::Step],
        first: usize,
        engine: &mut dyn Engine,
        cache: &Cache,
        voice: &crate::config::Voice,
        rate: u32,
        progress: &ProgressBar,
        summary: &mut Summary,
    ) -> Result<()> {
        let mut pieces: Vec<(&str, &Key)> = Vec::new();
        let mut seen = HashSet::new();
        self.next = first;
        let batch = engine.batch().max(1);
        for step in steps {
            if pieces.len() >= batch {
                break;
            }
            self.next += 1;
            let Action::Synthesize { sentences } = &step.action else {
                continue;
            };
            let keyed = &step.keyed;
            for &s in sentences {
                let sentence = &keyed.paragraph.sentences[s];
                for (piece, key) in sentence.pieces.iter().zip(&keyed.keys[s]) {
                    if !self.ready.contains_key(key) && seen.insert(key) && !cache.contains(key) {
                        pieces.push((piece, key));
                    }
                }
            }
        }
        if pieces.is_empty() {
            return Ok(());
        }
        let requests: Vec<SynthRequest<'_>> = pieces
            .iter()
            .map(|(piece, _)| request(piece, voice))
            .collect();
        for ((_, key), speech) in pieces.iter().zip(engine.synthesize_all(&requests)) {
            if let Ok(speech) = speech {
                if speech.sample_rate == rate {
                    let samples = keep(cache, key, speech, rate, progress, summary)?;
                    self.ready.insert((*key).clone(), samples);
                }
            }
        }
        Ok(())
    }
}

fn request<'a>(piece: &'a str, voice: &'a crate::config::Voice) -> SynthRequest<'a> {
    SynthRequest {
        text: piece,
        voice: &voice.voice,
        rate: voice.rate,
        pitch: voice.pitch,
    }
}

/// Stores freshly spoken `speech` in the cache and counts it; its samples.
fn keep(
    cache: &Cache,
    key: &Key,
    speech: crate::engine::Speech,
    rate: u32,
    progress: &ProgressBar,
    summary: &mut Summary,
) -> Result<Vec<i16>> {
    if speech.sample_rate != rate {
        return Err(Error::Other(anyhow::anyhow!(
            "engine returned {} Hz, expected {rate} Hz",
            speech.sample_rate
        )));
    }
    cache
        .put(key, &speech.samples, rate)
        .map_err(|e| Error::output(cache.dir(), "cannot write cache entry", e))?;
    summary.synthesized += 1;
    progress.inc(1);
    Ok(speech.samples)
}
