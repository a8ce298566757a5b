//! Carrying out a plan: paragraph by paragraph on two threads (speaking, finishing), so
//! memory does not grow with the script.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::cache::{self, Cache, EngineStamp, Key};
use super::episode;
use super::manifest::{self, Manifest, ParagraphEntry, SentenceEntry};
use super::plan::{self, Action, Keyed, Plan};
use super::store::{self, Store};
use crate::audio::loudness::{Loudness, Target};
use crate::audio::{self, Pcm};
use crate::config::{Layout, Settings};
use crate::engine::{Engine, SynthRequest};
use crate::error::{Error, Result};
use crate::output;
use crate::text::normalize::Lexicon;

/// What a run did.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub paragraphs: usize,
    pub sentences: usize,
    /// Length of all paragraph files together.
    pub audio: Duration,
    pub wall: Duration,
    /// Engine requests made.
    pub synthesized: usize,
    /// Pieces taken from the cache.
    pub cached: usize,
    /// Paragraph files left untouched.
    pub kept: usize,
    /// Paragraph files written.
    pub written: usize,
    /// Names of the paragraph files written, with the number of sentences synthesized.
    pub written_files: Vec<(String, usize)>,
    /// Old paragraph files removed.
    pub removed: usize,
    pub removed_files: Vec<String>,
    /// The episode, if there is one, and whether this run wrote it.
    pub episode: Option<super::manifest::EpisodeEntry>,
    pub episode_written: bool,
    /// Paragraphs that failed, with why.
    pub failed: Vec<(usize, String)>,
}

/// How the run reports progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Report {
    Quiet,
    Normal,
    Verbose,
}

/// The keyed paragraphs and plan for `settings`, reading the output folder but writing
/// nothing.
pub fn prepare_plan(
    settings: &Settings,
    doc: &crate::text::Document,
    lexicon: &Lexicon,
    stamp: &EngineStamp,
    cache: &Cache,
) -> (Plan, Option<Manifest>) {
    let previous = Manifest::load(&store::manifest_path(&settings.output));
    let owned = store::owned_files(&settings.output, previous.as_ref());
    let keyed: Vec<Keyed> = super::script::prepare(doc, lexicon)
        .into_iter()
        .map(|p| {
            plan::key(
                p,
                &settings.script.voice,
                stamp,
                &settings.layout,
                settings.master.loudness,
            )
        })
        .collect();
    let out = settings.output.clone();
    let plan = plan::plan(
        keyed,
        previous.as_ref(),
        &owned,
        &|k| cache.contains(k),
        &|f| out.join(f).is_file(),
    );
    (plan, previous)
}

/// Narrates `doc` into the output folder.
///
/// Two threads share the work, so that the finishing of a paragraph overlaps the speaking of
/// the next (the engine works in a child process or on threads of its own, so this thread
/// mostly waits): this one plans, speaks and assembles each paragraph, then hands it to the
/// finisher, which normalizes its loudness, writes its file and feeds the episode.
pub fn render(
    settings: &Settings,
    doc: &crate::text::Document,
    lexicon: &Lexicon,
    engine: &mut dyn Engine,
    report: Report,
    interrupted: &AtomicBool,
) -> Result<Summary> {
    let started = Instant::now();
    let mut store = Store::open(&settings.output)?;
    let cache = store.cache();
    let stamp = EngineStamp {
        version: engine.version(),
        sample_rate: engine.sample_rate(),
        fingerprint: engine.fingerprint(),
    };
    let (plan, previous) = prepare_plan(settings, doc, lexicon, &stamp, &cache);
    let rate = stamp.sample_rate;
    let title = program_title(settings, doc);
    let artist = settings
        .script
        .artist
        .clone()
        .or_else(|| doc.author.clone())
        .unwrap_or_default();

    // The episode is kept when nothing that goes into it changed, else written on the way.
    let episode_hash = (settings.master.episode && !plan.steps.is_empty()).then(|| {
        let paragraphs: Vec<(&str, &str)> = plan
            .steps
            .iter()
            .map(|s| (s.keyed.hash.as_str(), s.keyed.paragraph.title.as_str()))
            .collect();
        episode::hash(&paragraphs, &title, &settings.master, &artist)
    });
    let reuse = previous
        .as_ref()
        .and_then(|m| m.episode.clone())
        .filter(|e| {
            Some(&e.hash) == episode_hash.as_ref()
                && store.out().join(episode::WAV).is_file()
                && store.out().join(episode::MP3).is_file()
        });
    let stream = match (&episode_hash, &reuse) {
        (Some(_), None) => Some(episode::Stream::start(
            store.out(),
            &store.tmp(),
            rate,
            &settings.master,
            &title,
            &artist,
            plan.steps
                .iter()
                .map(|s| (s.keyed.paragraph.index, s.keyed.paragraph.title.as_str())),
        )?),
        _ => None,
    };

    let progress = progress_bar(report, plan.pieces_to_synthesize());
    let finisher = Finisher {
        out: store.out().to_path_buf(),
        tmp: store.tmp(),
        target: settings.master.loudness.target(1),
        verbose: (report == Report::Verbose).then(|| progress.clone()),
        stream,
    };
    let (spoken, finished) = std::thread::scope(|scope| {
        let (jobs, queue) = std::sync::mpsc::sync_channel(2);
        let finishing = scope.spawn(move || finisher.run(queue));
        let spoken = speak(
            settings,
            &plan,
            previous.as_ref(),
            engine,
            &mut store,
            &cache,
            &progress,
            jobs,
            interrupted,
        );
        let finished = finishing.join().expect("the finishing thread panicked");
        (spoken, finished)
    });
    progress.finish_and_clear();
    let (loudness, stream) = finished?;
    let Spoken {
        mut entries,
        mut summary,
        stale,
    } = spoken?;
    for (slot, loudness) in loudness {
        entries[slot].loudness = loudness;
    }

    for name in &plan.remove {
        store.remove(name)?;
        summary.removed += 1;
        summary.removed_files.push(name.clone());
    }
    let mut manifest = Manifest {
        format: manifest::FORMAT,
        generator: format!("narrate {}", env!("CARGO_PKG_VERSION")),
        title,
        sample_rate: rate,
        paragraphs: entries,
        stale,
        episode: None,
    };
    if let (Some(hash), true) = (episode_hash, summary.failed.is_empty()) {
        let entry = match (reuse, stream) {
            (Some(entry), _) => entry,
            (None, Some(stream)) => {
                if interrupted.load(Ordering::SeqCst) {
                    return Err(Error::Interrupted);
                }
                summary.episode_written = true;
                stream.finish(&manifest, &artist, hash)?
            }
            (None, None) => unreachable!("an episode to write has a stream"),
        };
        summary.episode = Some(entry.clone());
        manifest.episode = Some(entry);
    }
    write_listings(&store, &manifest)?;
    store.commit(&manifest)?;

    summary.paragraphs = plan.steps.len();
    summary.wall = started.elapsed();
    if !summary.failed.is_empty() {
        return Err(Error::Partial {
            count: summary.failed.len(),
            total: summary.paragraphs,
        });
    }
    Ok(summary)
}

/// What the speaking thread made of a plan.
struct Spoken {
    /// One per paragraph that did not fail, in order; the loudness of fresh ones is filled in
    /// from the finisher's results.
    entries: Vec<ParagraphEntry>,
    summary: Summary,
    /// Files narrate wrote whose paragraph failed this time.
    stale: Vec<String>,
}

/// A paragraph for the finisher.
enum Job {
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

/// Speaks and assembles the paragraphs of `plan` in order, sending each to the finisher.
#[allow(clippy::too_many_arguments)] // the run's pieces; a struct would only rename them
fn speak(
    settings: &Settings,
    plan: &Plan,
    previous: Option<&Manifest>,
    engine: &mut dyn Engine,
    store: &mut Store,
    cache: &Cache,
    progress: &ProgressBar,
    jobs: std::sync::mpsc::SyncSender<Job>,
    interrupted: &AtomicBool,
) -> Result<Spoken> {
    let owned = store::owned_files(&settings.output, previous);
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
                store.journal(&p.file)?;
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
                    frames: pcm.frames(),
                    loudness: None,
                    sentences,
                });
                let job = Job::Fresh {
                    slot: entries.len() - 1,
                    file: p.file.clone(),
                    pcm,
                    note: format!("wrote {} ({})", p.file, step.reason),
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

/// The second half of a paragraph's way: loudness, its file, the episode.
struct Finisher {
    out: std::path::PathBuf,
    tmp: std::path::PathBuf,
    target: Option<Target>,
    /// Where to say what was written, with `-v`.
    verbose: Option<ProgressBar>,
    stream: Option<episode::Stream>,
}

impl Finisher {
    /// Finishes every paragraph sent, in order, until the sender hangs up. Returns the
    /// measured loudness of each fresh paragraph by its manifest slot, and the episode.
    #[allow(clippy::type_complexity)] // a pair, named in the doc comment
    fn run(
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

/// The program title: settings, front matter, else the script's file stem.
pub fn program_title(settings: &Settings, doc: &crate::text::Document) -> String {
    settings
        .script
        .title
        .clone()
        .or_else(|| doc.title.clone())
        .or_else(|| match &settings.script.script {
            crate::config::Source::File(p) => {
                p.file_stem().map(|s| s.to_string_lossy().into_owned())
            }
            crate::config::Source::Stdin => None,
        })
        .unwrap_or_else(|| "narration".to_owned())
}

/// Writes every listing whose content changed.
fn write_listings(store: &Store, manifest: &Manifest) -> Result<()> {
    let program = manifest.program();
    for listing in output::all() {
        let text = listing.render(&program);
        let path = store.out().join(listing.file_name());
        if std::fs::read(&path).is_ok_and(|old| old == text.as_bytes()) {
            continue;
        }
        store.write(listing.file_name(), text.as_bytes())?;
    }
    Ok(())
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
                },
            };
            let samples = match found {
                Found::Ready(samples) => samples,
                Found::Cached(samples) => {
                    summary.cached += 1;
                    samples
                }
                Found::Missing => {
                    // Only when the batch spoken ahead failed on this piece: speaking it
                    // again here reports the error with its paragraph.
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

fn progress_bar(report: Report, total: usize) -> ProgressBar {
    if report == Report::Quiet || total == 0 {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{spinner} speaking {pos}/{len} sentences {wide_bar} {eta}")
            .expect("the template is valid"),
    );
    bar
}
