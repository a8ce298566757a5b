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
use super::plan::{Action, Keyed, Plan};
use super::run::Summary;
use super::stamp::FileStamp;
use crate::audio;
use crate::audio::spool::{self, Spool};
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

    let mut ahead = Ahead::new(plan);
    let tmp = super::store::tmp_of(&settings.output);
    for step in &plan.steps {
        if interrupted.load(Ordering::SeqCst) {
            return Err(Error::Interrupted);
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
            match crate::checkpoint::spool_limit() {
                Some(limit) => Spool::with_limit(rate, &tmp, limit),
                None => Spool::new(rate, &tmp),
            },
            engine,
            cache,
            &mut ahead,
            &settings.script.voice,
            progress,
            &mut summary,
            interrupted,
        ) {
            Ok((spool, sentences)) => {
                summary.written += 1;
                let spoken = match &step.action {
                    Action::Synthesize { sentences } => sentences.len(),
                    _ => 0,
                };
                summary.written_files.push((p.file.clone(), spoken));
                summary.audio += spool.duration();
                entries.push(ParagraphEntry {
                    index: p.index,
                    file: p.file.clone(),
                    title: p.title.clone(),
                    hash: step.keyed.hash.clone(),
                    // Filled in when the finisher has placed the file.
                    stamp: FileStamp::default(),
                    frames: spool.len(),
                    loudness: None,
                    sentences,
                });
                let job = Job::Fresh {
                    slot: entries.len() - 1,
                    file: p.file.clone(),
                    spool,
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

/// Assembles one paragraph into `spool`: head silence, each sentence's pieces with short
/// breaths between them, a pause between sentences, tail silence. Pieces come from the
/// batch spoken ahead, the cache, or (when neither has them) the engine.
#[allow(clippy::too_many_arguments)] // the pieces of one paragraph job; a struct would only rename them
fn assemble(
    keyed: &Keyed,
    layout: &Layout,
    mut spool: Spool,
    engine: &mut dyn Engine,
    cache: &Cache,
    ahead: &mut Ahead<'_>,
    voice: &crate::config::Voice,
    progress: &ProgressBar,
    summary: &mut Summary,
    interrupted: &AtomicBool,
) -> Result<(Spool, Vec<SentenceEntry>)> {
    let rate = spool.rate();
    spool.push_silence(layout.head).map_err(spooled)?;
    let mut entries = Vec::with_capacity(keyed.paragraph.sentences.len());
    for (n, (sentence, keys)) in keyed
        .paragraph
        .sentences
        .iter()
        .zip(&keyed.keys)
        .enumerate()
    {
        if n > 0 {
            spool.push_silence(layout.sentence_pause).map_err(spooled)?;
        }
        let start = spool.len();
        for (i, (piece, key)) in sentence.pieces.iter().zip(keys).enumerate() {
            if interrupted.load(Ordering::SeqCst) {
                return Err(Error::Interrupted);
            }
            if !ahead.ready.contains_key(key) && ahead.is_queued(key) {
                ahead.fill(engine, cache, voice, rate, progress, summary)?;
            }
            let found = match ahead.ready.remove(key) {
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
                spool
                    .push_silence(layout.sentence_pause / 3)
                    .map_err(spooled)?;
            }
            spool.push_speech(&samples, layout.fade).map_err(spooled)?;
        }
        entries.push(SentenceEntry {
            text: sentence.text.clone(),
            speech: sentence.speech.clone(),
            keys: keys.clone(),
            start,
            end: spool.len(),
        });
    }
    spool.push_silence(layout.tail).map_err(spooled)?;
    Ok((spool, entries))
}

/// A spool's I/O error as the run's.
fn spooled(e: spool::Error) -> Error {
    let action = match e.action {
        "read" => "cannot read spilled audio in",
        _ => "cannot spill audio to",
    };
    Error::output(e.dir, action, e.source)
}

/// Where a piece's audio comes from while assembling.
enum Found {
    /// Spoken ahead in this run.
    Ready(Vec<i16>),
    Cached(Vec<i16>),
    Missing,
}

/// The pieces a plan has to synthesize, spoken ahead of assembly a batch at a time, so that
/// an engine that works on several at once ([`Engine::batch`]) gets them together, and so
/// that memory holds one batch of speech however long a paragraph is.
struct Ahead<'p> {
    /// Every piece to synthesize, in the order assembly takes them (repeats once).
    queue: Vec<(&'p str, &'p Key)>,
    /// Position in `queue` of each piece not asked for yet.
    waiting: HashMap<&'p Key, usize>,
    /// The first piece of `queue` not asked for yet.
    next: usize,
    /// Samples of pieces spoken and not assembled yet.
    ready: HashMap<Key, Vec<i16>>,
}

impl<'p> Ahead<'p> {
    fn new(plan: &'p Plan) -> Ahead<'p> {
        let mut queue = Vec::new();
        let mut waiting = HashMap::new();
        for step in &plan.steps {
            let Action::Synthesize { sentences } = &step.action else {
                continue;
            };
            let keyed = &step.keyed;
            for &s in sentences {
                let sentence = &keyed.paragraph.sentences[s];
                for (piece, key) in sentence.pieces.iter().zip(&keyed.keys[s]) {
                    if !waiting.contains_key(key) {
                        waiting.insert(key, queue.len());
                        queue.push((piece.as_str(), key));
                    }
                }
            }
        }
        Ahead {
            queue,
            waiting,
            next: 0,
            ready: HashMap::new(),
        }
    }

    /// Whether `key` is a piece to synthesize that has not been asked for yet.
    fn is_queued(&self, key: &Key) -> bool {
        self.waiting.get(key).is_some_and(|&at| at >= self.next)
    }

    /// Speaks the next [`Engine::batch`] pieces of the queue that the cache lacks, in one
    /// engine call; each goes to the cache as it comes back. A piece that failed is left
    /// out: assembly speaks it again and reports the error with its paragraph.
    fn fill(
        &mut self,
        engine: &mut dyn Engine,
        cache: &Cache,
        voice: &crate::config::Voice,
        rate: u32,
        progress: &ProgressBar,
        summary: &mut Summary,
    ) -> Result<()> {
        let batch = engine.batch().max(1);
        let mut pieces: Vec<(&str, &Key)> = Vec::with_capacity(batch);
        while pieces.len() < batch && self.next < self.queue.len() {
            let (piece, key) = self.queue[self.next];
            self.next += 1;
            if !cache.contains(key) {
                pieces.push((piece, key));
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
