//! The speaking half of a run: asks the engine for each paragraph's missing sentences (a
//! batch of whole paragraphs at a time), assembles the paragraph with its pauses, and hands
//! it to the finisher ([`super::finish`]).

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::SyncSender;

use super::cache::{self, Cache, Key};
use super::events::{Events, Summary};
use super::finish::Job;
use super::manifest::{Loaded, ParagraphEntry, SentenceEntry};
use super::plan::{Action, Keyed, Plan, Step};
use super::stamp::FileStamp;
use crate::audio::spool::{self, Spool};
use crate::audio::{self, mp3};
use crate::config::{Layout, Settings};
use crate::engine::{Engine, EngineError, SynthRequest};
use crate::error::{Error, Result};
use crate::script::Paragraph;

/// What the speaking thread made of a plan.
pub(super) struct Spoken {
    /// One per paragraph that did not fail, in order; the loudness of fresh ones is filled in
    /// from the finisher's results.
    pub entries: Vec<ParagraphEntry>,
    pub summary: Summary,
    /// Files narrate wrote whose paragraph failed this time.
    pub stale: Vec<String>,
}

/// The speaking half of a run: what it speaks with, what it reports to, what it did.
pub(super) struct Speaker<'r> {
    pub engine: &'r mut dyn Engine,
    pub cache: &'r Cache,
    pub settings: &'r Settings,
    pub events: &'r mut dyn Events,
    pub interrupted: &'r AtomicBool,
    /// The engine's sample rate.
    pub rate: u32,
    pub summary: Summary,
}

/// The paragraphs of a plan, with what the last run recorded of them.
pub(super) struct Script<'p> {
    pub plan: &'p Plan,
    pub previous: &'p Loaded,
    /// The files of the output folder that are narrate's.
    pub owned: &'p HashSet<String>,
}

impl Speaker<'_> {
    /// Speaks and assembles the paragraphs of `script` in order, sending each to the
    /// finisher through `jobs`.
    pub fn speak(mut self, script: &Script<'_>, jobs: SyncSender<Job>) -> Result<Spoken> {
        let previous: HashMap<&str, &ParagraphEntry> = script
            .previous
            .good()
            .iter()
            .flat_map(|m| m.paragraphs.iter().map(|p| (p.file.as_str(), p)))
            .collect();
        let mut entries = Vec::with_capacity(script.plan.steps.len());
        let mut stale = Vec::new();
        let mut ahead = Ahead::new(script.plan);
        for step in &script.plan.steps {
            if self.interrupted.load(Ordering::SeqCst) {
                return Err(Error::Interrupted);
            }
            let p = &step.keyed.paragraph;
            self.summary.sentences += p.sentences.len();
            let job = if step.action == Action::Keep {
                let old = previous
                    .get(p.file.as_str())
                    .expect("a kept paragraph is in the previous manifest");
                let entry = self.keep(p, old);
                let hash = entry.stamp.hash.clone();
                entries.push(entry);
                Job::Kept {
                    file: p.file.clone(),
                    hash,
                }
            } else {
                match self.fresh(step, &mut ahead) {
                    Ok((entry, spool)) => {
                        let chars = p.sentences.iter().flat_map(|s| &s.pieces);
                        let chars = chars.map(|piece| piece.chars().count()).sum();
                        let audio = entry.frames as f64 / f64::from(self.rate);
                        self.events
                            .assembled(chars, std::time::Duration::from_secs_f64(audio));
                        entries.push(entry);
                        Job::Fresh {
                            slot: entries.len() - 1,
                            file: p.file.clone(),
                            spool,
                        }
                    }
                    Err(e @ Error::Interrupted) => return Err(e),
                    Err(e @ Error::Engine(EngineError::UnknownVoice { .. })) => return Err(e),
                    Err(e) => {
                        self.events.failed(p.index, p.line, &e);
                        self.summary.failed.push((p.index, e.to_string()));
                        if script.owned.contains(&p.file) {
                            stale.push(p.file.clone());
                        }
                        continue;
                    }
                }
            };
            if jobs.send(job).is_err() {
                // The finisher stopped on an error, which it reports.
                return Ok(Spoken {
                    entries: Vec::new(),
                    summary: Summary::default(),
                    stale: Vec::new(),
                });
            }
        }
        Ok(Spoken {
            entries,
            summary: self.summary,
            stale,
        })
    }

    /// The manifest entry of a paragraph whose file stays as it is.
    fn keep(&mut self, p: &Paragraph, old: &ParagraphEntry) -> ParagraphEntry {
        let mut entry = old.clone();
        entry.index = p.index;
        entry.title = p.title.clone();
        entry.chapter = p.chapter.clone();
        // The same speech may be written differently now ("―" for "—"): the listings say
        // what is written.
        for (kept, now) in entry.sentences.iter_mut().zip(&p.sentences) {
            kept.text.clone_from(&now.text);
            kept.speech.clone_from(&now.speech);
        }
        entry.stamp = entry.stamp.refreshed(&self.settings.output.join(&p.file));
        self.summary.kept += 1;
        self.summary.audio += audio::duration(entry.frames, self.rate);
        entry
    }

    /// A paragraph assembled afresh: its manifest entry (stamp and loudness filled in when
    /// the finisher has placed the file) and its audio.
    fn fresh(&mut self, step: &Step, ahead: &mut Ahead<'_>) -> Result<(ParagraphEntry, Spool)> {
        let p = &step.keyed.paragraph;
        let tmp = super::store::tmp_of(&self.settings.output);
        let spool = match crate::checkpoint::spool_limit() {
            Some(limit) => Spool::with_limit(self.rate, &tmp, limit),
            None => Spool::new(self.rate, &tmp),
        };
        let (spool, sentences) = self.assemble(&step.keyed, spool, ahead)?;
        self.summary.written += 1;
        let spoken = match &step.action {
            Action::Synthesize { sentences } => sentences.len(),
            _ => 0,
        };
        self.summary.written_files.push((p.file.clone(), spoken));
        self.summary.audio += spool.duration();
        let entry = ParagraphEntry {
            index: p.index,
            file: p.file.clone(),
            title: p.title.clone(),
            chapter: p.chapter.clone(),
            hash: step.keyed.hash.clone(),
            stamp: FileStamp::default(),
            frames: spool.len(),
            loudness: None,
            sentences,
        };
        Ok((entry, spool))
    }

    /// Assembles one paragraph into `spool`: head silence, each sentence's pieces with short
    /// breaths between them, a pause between sentences, tail silence.
    fn assemble(
        &mut self,
        keyed: &Keyed,
        mut spool: Spool,
        ahead: &mut Ahead<'_>,
    ) -> Result<(Spool, Vec<SentenceEntry>)> {
        let layout: &Layout = &self.settings.layout;
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
                let samples = self.piece(piece, key, ahead)?;
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
        // Whole MP3 frames at the episode rate: the episode is cut at paragraph seams.
        let episode_rate = self.settings.master.sample_rate;
        let padding = mp3::segment::padding(spool.len(), self.rate, episode_rate)
            .map_err(|e| Error::Other(anyhow::anyhow!("{e}")))?;
        spool.push_silent_frames(padding).map_err(spooled)?;
        Ok((spool, entries))
    }

    /// One piece's samples: from the batch spoken ahead, the cache, or (when neither has
    /// them) the engine.
    fn piece(&mut self, piece: &str, key: &Key, ahead: &mut Ahead<'_>) -> Result<Vec<i16>> {
        if self.interrupted.load(Ordering::SeqCst) {
            return Err(Error::Interrupted);
        }
        if !ahead.ready.contains_key(key) && ahead.is_queued(key) {
            self.fill(ahead)?;
        }
        if let Some(samples) = ahead.ready.remove(key) {
            return Ok(samples);
        }
        match self.cache.get(key, self.rate) {
            cache::Lookup::Hit(samples) => {
                self.summary.cached += 1;
                return Ok(samples);
            }
            cache::Lookup::Miss => {}
            cache::Lookup::Damaged(path, why) => self.summary.warnings.push(format!(
                "{}: damaged cache entry ({why}); speaking the sentence again",
                path.display()
            )),
        }
        // Only when the batch spoken ahead failed on this piece (speaking it again here
        // reports the error with its paragraph), or the cache entry the plan counted on was
        // damaged.
        let speech = self.engine.synthesize(&request(self.settings, piece))?;
        self.keep_speech(key, speech)
    }

    /// Speaks the next [`Engine::batch`] pieces of the queue that the cache lacks, in one
    /// engine call; each goes to the cache as it comes back. A piece that failed is left
    /// out: assembly speaks it again and reports the error with its paragraph.
    fn fill(&mut self, ahead: &mut Ahead<'_>) -> Result<()> {
        let pieces = ahead.next_batch(self.engine.batch().max(1), self.cache);
        if pieces.is_empty() {
            return Ok(());
        }
        let settings = self.settings;
        let requests: Vec<SynthRequest<'_>> = pieces
            .iter()
            .map(|(piece, _)| request(settings, piece))
            .collect();
        let spoken = self.engine.synthesize_all(&requests);
        for ((_, key), speech) in pieces.iter().zip(spoken) {
            if let Ok(speech) = speech {
                if speech.sample_rate == self.rate {
                    let samples = self.keep_speech(key, speech)?;
                    ahead.ready.insert((*key).clone(), samples);
                }
            }
        }
        Ok(())
    }

    /// Stores freshly spoken `speech` in the cache and counts it; its samples.
    fn keep_speech(&mut self, key: &Key, speech: crate::engine::Speech) -> Result<Vec<i16>> {
        let rate = self.rate;
        if speech.sample_rate != rate {
            return Err(Error::Other(anyhow::anyhow!(
                "engine returned {} Hz, expected {rate} Hz",
                speech.sample_rate
            )));
        }
        self.cache
            .put(key, &speech.samples, rate)
            .map_err(|e| Error::output(self.cache.dir(), "cannot write cache entry", e))?;
        self.summary.synthesized += 1;
        self.events.spoke();
        Ok(speech.samples)
    }
}

/// The engine's request for `piece`, spoken as `settings` say.
fn request<'a>(settings: &'a Settings, piece: &'a str) -> SynthRequest<'a> {
    let voice = &settings.script.voice;
    SynthRequest {
        text: piece,
        rate: voice.rate,
        pitch: voice.pitch,
    }
}

/// A spool's I/O error as the run's.
fn spooled(e: spool::Error) -> Error {
    let action = match e.action {
        "read" => "cannot read spilled audio in",
        _ => "cannot spill audio to",
    };
    Error::output(e.dir, action, e.source)
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

    /// The next `batch` pieces of the queue that the cache lacks, marked as asked for.
    fn next_batch(&mut self, batch: usize, cache: &Cache) -> Vec<(&'p str, &'p Key)> {
        let mut pieces = Vec::with_capacity(batch);
        while pieces.len() < batch && self.next < self.queue.len() {
            let (piece, key) = self.queue[self.next];
            self.next += 1;
            if !cache.contains(key) {
                pieces.push((piece, key));
            }
        }
        pieces
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spool_error_says_whether_reading_or_writing_failed_and_where() {
        let action = |action: &'static str| match spooled(spool::Error {
            dir: "/tmp/x".into(),
            action,
            source: std::io::Error::other("disk"),
        }) {
            Error::Output { path, action, .. } => {
                assert_eq!(path, std::path::Path::new("/tmp/x"));
                action
            }
            other => panic!("{other:?}"),
        };
        assert_eq!(action("read"), "cannot read spilled audio in");
        assert_eq!(action("write"), "cannot spill audio to");
    }
}
