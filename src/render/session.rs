//! A narration session: the settings, the engine opened for them and its stamp. [`plan`]
//! reads the output folder and says what a run would do, touching nothing (`narrate plan`
//! prints it); [`run`] carries a plan out and reports through [`Events`].
//!
//! A run works paragraph by paragraph on two threads, so that the finishing of a paragraph
//! overlaps the speaking of the next (the engine works in a child process or on threads of
//! its own, so the speaking thread mostly waits), and memory does not grow with the script:
//! the caller's thread plans, speaks and assembles each paragraph ([`super::speak`]), then
//! hands it to the finisher ([`super::finish`]), which normalizes its loudness, writes its
//! file and feeds the episode.
//!
//! [`plan`]: Session::plan
//! [`run`]: Session::run

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use super::acx;
use super::cache::EngineStamp;
use super::closing::{self, EpisodeWork, Finishing};
use super::episode;
use super::events::{Events, Summary};
use super::finish::{Finished, Finisher};
use super::manifest::{self, Loaded, Manifest};
use super::plan::{self, Keyed, Plan};
use super::segments::Segments;
use super::speak::{Script, Speaker, Spoken};
use super::stamp::FileStamp;
use super::store::{self, Store};
use super::{listings, publish};
use crate::config::{self, Credits, Settings, Source};
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::output;
use crate::text::normalize::Lexicon;
use crate::text::Document;

/// The settings of a narration and the engine that speaks it.
pub struct Session<'a> {
    settings: &'a Settings,
    engine: &'a mut dyn Engine,
    stamp: EngineStamp,
}

/// A plan, with what was found of the last run.
#[derive(Debug)]
pub struct Prepared {
    pub plan: Plan,
    /// The last run's manifest.
    pub previous: Loaded,
    /// The files of the output folder that are narrate's.
    pub owned: HashSet<String>,
}

/// The hash of the episode a run of `plan` leaves, credited with `credits` (none: it makes
/// no episode).
pub(super) fn episode_hash(settings: &Settings, plan: &Plan, credits: &Credits) -> Option<String> {
    episode::wanted(settings, plan).then(|| {
        // The titles say where the chapters are, too: a paragraph that opens a chapter is
        // titled `T` or `T (1/n)`, one that continues it `T (k/n)`.
        let paragraphs: Vec<(&str, &str)> = plan
            .steps
            .iter()
            .map(|s| (s.keyed.hash.as_str(), s.keyed.paragraph.title.as_str()))
            .collect();
        episode::hash(&paragraphs, credits, &settings.master)
    })
}

impl std::fmt::Debug for Session<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("output", &self.settings.output)
            .field("engine", &self.engine.kind())
            .field("stamp", &self.stamp)
            .finish()
    }
}

impl<'a> Session<'a> {
    /// A session speaking with `engine` as `settings` say.
    pub fn new(settings: &'a Settings, engine: &'a mut dyn Engine) -> Session<'a> {
        let stamp = EngineStamp {
            version: engine.version(),
            sample_rate: engine.sample_rate(),
            fingerprint: engine.fingerprint(),
        };
        Session {
            settings,
            engine,
            stamp,
        }
    }

    /// The keyed paragraphs of `doc` and what a run would do with them (with `credits`, the
    /// episode's metadata, [`credits`]), reading the output folder but writing nothing.
    pub fn plan(&self, doc: &Document, lexicon: &Lexicon, credits: &Credits) -> Prepared {
        let settings = self.settings;
        let out = &settings.output;
        // A manifest of the first format implies the seven listings of its time.
        let listed: Vec<&str> = output::all()
            .iter()
            .map(|l| l.file_name())
            .take(7)
            .collect();
        let previous = manifest::load(&store::manifest_path(out), &listed, &episode::FILES);
        let owned = store::owned_files(out, &previous);
        let good = previous.good();
        let keyed: Vec<Keyed> = crate::script::prepare(doc, lexicon)
            .into_iter()
            .map(|p| plan::key(p, &settings.script.voice, &self.stamp, shape(settings)))
            .collect();
        let on_disk = |f: &str| out.join(f).is_file();
        let stamps: HashMap<&str, &FileStamp> = good
            .iter()
            .flat_map(|m| m.paragraphs.iter().map(|p| (p.file.as_str(), &p.stamp)))
            .collect();
        let intact = |f: &str| stamps.get(f).is_some_and(|s| store::intact(out, f, s));
        let fixed: Vec<&str> = output::all()
            .iter()
            .map(|l| l.file_name())
            .chain(publish::NAMES)
            .chain(episode::FILES)
            // The ACX chapter files are the episode's, not a paragraph's.
            .chain(good.iter().flat_map(|m| m.episode.iter()).flat_map(|e| {
                (e.files.keys())
                    .filter(|n| acx::is_chapter_file(n))
                    .map(String::as_str)
            }))
            .collect();
        let cache = store::cache_of(out);
        let facts = plan::Facts {
            cached: &|k| cache.contains(k),
            on_disk: &on_disk,
            intact: &intact,
        };
        let mut plan = plan::plan(keyed, good, &owned, &fixed, &facts);
        let writes = episode::wanted(settings, &plan);
        let listings = listings::names(settings, writes, credits);
        let episode_files = episode::files(settings);
        let episode = episode_files.iter().filter(|_| writes);
        plan.foreign.extend(
            listings
                .iter()
                .chain(episode)
                .filter(|f| !owned.contains(**f) && on_disk(f))
                .map(|f| (*f).to_owned()),
        );
        Prepared {
            plan,
            previous,
            owned,
        }
    }

    /// Narrates `doc` into the output folder, reporting to `events`; stops at the next
    /// sentence once `interrupted` is set.
    pub fn run(
        self,
        doc: &Document,
        lexicon: &Lexicon,
        events: &mut dyn Events,
        interrupted: &AtomicBool,
    ) -> Result<Summary> {
        let started = Instant::now();
        self.engine.prepare();
        let store = Store::open(&self.settings.output)?;
        match self.run_in(&store, doc, lexicon, events, interrupted) {
            Ok(mut summary) => {
                summary.wall = started.elapsed();
                Ok(summary)
            }
            Err(e) => {
                // A run refused or failed before it wrote anything (an unknown voice, someone
                // else's file) leaves no trace, not even the folders it made.
                store.abandon();
                Err(e)
            }
        }
    }

    /// [`Session::run`] in an opened store.
    fn run_in(
        self,
        store: &Store,
        doc: &Document,
        lexicon: &Lexicon,
        events: &mut dyn Events,
        interrupted: &AtomicBool,
    ) -> Result<Summary> {
        let credits = credits(self.settings, doc)?;
        let prepared = self.plan(doc, lexicon, &credits);
        let warnings = self.refusals(store, &prepared)?;
        let mut work = self.episode_work(store, &prepared, &credits)?;
        let (settings, rate) = (self.settings, self.stamp.sample_rate);
        let (spoken, finished) = self.speak(store, &prepared, &mut work, events, interrupted)?;
        let mut summary = complete(
            store,
            settings,
            &prepared,
            Outcome {
                spoken,
                finished,
                warnings,
                rate,
            },
            work,
            &credits,
            interrupted,
        )?;
        summary.paragraphs = prepared.plan.steps.len();
        if !summary.failed.is_empty() {
            return Err(Error::Partial {
                count: summary.failed.len(),
                total: summary.paragraphs,
            });
        }
        // Every file is complete and recorded; a Ctrl-C that came at the very end still says
        // the run was interrupted.
        if interrupted.load(Ordering::SeqCst) {
            return Err(Error::Interrupted);
        }
        Ok(summary)
    }

    /// Refuses a plan a run must not start (someone else's files, a paragraph too long for
    /// a WAV file), and sets a damaged manifest aside; the warnings for the user.
    fn refusals(&self, store: &Store, prepared: &Prepared) -> Result<Vec<String>> {
        if let Some(refusal) = prepared.plan.refusal(store.out()) {
            return Err(refusal);
        }
        super::finish::refuse_too_long(&prepared.plan, self.settings, self.stamp.sample_rate)?;
        let mut warnings = Vec::new();
        if let Loaded::Damaged { reason } = &prepared.previous {
            let to = store.set_aside_manifest()?;
            warnings.push(format!(
                "{}: damaged ({reason}); set aside as {}, rebuilding from the cache",
                store::manifest_path(store.out()).display(),
                to.display()
            ));
        }
        Ok(warnings)
    }

    /// The episode is kept when nothing that goes into it changed, else written on the way.
    fn episode_work(
        &self,
        store: &Store,
        prepared: &Prepared,
        credits: &Credits,
    ) -> Result<EpisodeWork> {
        let plan = &prepared.plan;
        let master = &self.settings.master;
        let hash = episode_hash(self.settings, plan, credits);
        let reuse = hash
            .as_ref()
            .and_then(|h| episode::reusable(store.out(), &prepared.previous, h));
        let mut work = EpisodeWork {
            hash,
            reuse,
            segments: None,
            wav: None,
            encoded: 0,
        };
        if work.hash.is_some() && work.reuse.is_none() {
            let rate = self.stamp.sample_rate;
            let dir = store
                .out()
                .join(store::STATE_DIR)
                .join(super::segments::DIR);
            let segments =
                Segments::new(dir, store.tmp(), rate, master.sample_rate, master.bitrate);
            work.segments = Some(segments?);
            if master.episode_wav {
                let wav = episode::WavWriter::start(store.out(), &store.tmp(), rate, master)?;
                work.wav = Some(wav);
            }
        }
        Ok(work)
    }

    /// Speaks the plan on this thread while a second one finishes each paragraph and the
    /// others encode the episode's segments.
    fn speak(
        self,
        store: &Store,
        prepared: &Prepared,
        work: &mut EpisodeWork,
        events: &mut dyn Events,
        interrupted: &AtomicBool,
    ) -> Result<(Spoken, Vec<Finished>)> {
        let cache = store.cache();
        // One segment waiting per encoder: when encoding lags, finishing waits, and so does
        // speaking, so the paragraphs handed on (the progress bar's count) keep the run's pace.
        let (encode, queue) = std::sync::mpsc::sync_channel(encoders());
        let finisher = Finisher {
            store,
            target: self.settings.master.loudness.target(1),
            episode: work.wav.take(),
            segments: work.segments.as_ref().map(|s| (s, encode)),
        };
        let plan = &prepared.plan;
        let writes = plan.steps.iter().filter(|s| s.action != plan::Action::Keep);
        events.speaking(
            plan.pieces_to_synthesize(),
            writes.clone().count(),
            writes
                .flat_map(|s| &s.keyed.paragraph.sentences)
                .flat_map(|s| &s.pieces)
                .map(|p| p.chars().count())
                .sum(),
        );
        let speaker = Speaker {
            engine: self.engine,
            cache: &cache,
            settings: self.settings,
            events,
            interrupted,
            rate: self.stamp.sample_rate,
            summary: Summary::default(),
        };
        let script = Script {
            plan: &prepared.plan,
            previous: &prepared.previous,
            owned: &prepared.owned,
        };
        let segments = work.segments.as_ref();
        let (spoken, finished, encoded) = std::thread::scope(|scope| {
            // Segments not encoded here (a failure, Ctrl-C) are encoded when the episode is
            // assembled, which reports what fails then.
            let encoding = segments.map(|s| scope.spawn(move || s.work(queue, encoders())));
            let (jobs, paragraphs) = std::sync::mpsc::sync_channel(2);
            let finishing = scope.spawn(move || finisher.run(paragraphs));
            let spoken = speaker.speak(&script, jobs);
            let finished = finishing.join().expect("the finishing thread panicked");
            let encoded = encoding.map_or(0, |e| e.join().expect("an encoder panicked"));
            (spoken, finished, encoded)
        });
        work.encoded = encoded;
        events.spoken();
        let (finished, wav) = finished?;
        work.wav = wav;
        Ok((spoken?, finished))
    }
}

/// Threads encoding MP3 segments: one per core (the engine's children and the finisher
/// wait on each other's output as often as they work).
fn encoders() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// What the speaking and finishing threads made.
struct Outcome {
    spoken: Spoken,
    finished: Vec<Finished>,
    warnings: Vec<String>,
    /// The engine's sample rate.
    rate: u32,
}

/// Completes a run whose paragraphs are written: removes the files of paragraphs that are
/// gone, finishes the episode, writes the listings and the read-along files, and commits
/// the manifest.
fn complete(
    store: &Store,
    settings: &Settings,
    prepared: &Prepared,
    outcome: Outcome,
    work: EpisodeWork,
    credits: &Credits,
    interrupted: &AtomicBool,
) -> Result<Summary> {
    let Outcome {
        spoken,
        finished,
        mut warnings,
        rate,
    } = outcome;
    let Spoken {
        mut entries,
        mut summary,
        stale,
    } = spoken;
    for (slot, loudness, stamp) in finished {
        entries[slot].loudness = loudness;
        entries[slot].stamp = stamp;
    }
    warnings.append(&mut summary.warnings);
    summary.warnings = warnings;
    for name in &prepared.plan.remove {
        store.remove(name)?;
        summary.removed += 1;
        summary.removed_files.push(name.clone());
    }
    let mut manifest = Manifest {
        format: manifest::FORMAT,
        generator: format!("narrate {}", env!("CARGO_PKG_VERSION")),
        title: credits.title.clone().unwrap_or_default(),
        sample_rate: rate,
        paragraphs: entries,
        stale,
        // The episode files narrate wrote last, unless this run replaces them: with
        // `--no-episode` or a failed paragraph they stay, and stay narrate's.
        episode: prepared.previous.good().and_then(|m| m.episode.clone()),
        listings: Default::default(),
    };
    if let (Some(hash), true) = (work.hash.clone(), summary.failed.is_empty()) {
        if interrupted.load(Ordering::SeqCst) && work.reuse.is_none() {
            return Err(Error::Interrupted);
        }
        let finishing = Finishing {
            store,
            settings,
            previous: prepared.previous.good().and_then(|m| m.episode.as_ref()),
            credits,
            owned: &prepared.owned,
        };
        let entry = closing::finish(&finishing, &manifest, hash, work, &mut summary)?;
        summary.episode = Some(entry.clone());
        manifest.episode = Some(entry);
    }
    manifest.listings = listings::write(store, &manifest, credits)?;
    let published = publish::write(
        store,
        &manifest,
        settings,
        credits,
        summary.episode.is_some(),
        &prepared.owned,
    )?;
    manifest.listings.extend(published);
    manifest.keep_owning(&prepared.owned, &prepared.plan.remove, store.out());
    store.commit(&manifest)?;
    crate::checkpoint::reached("after-commit");
    Ok(summary)
}

/// What shapes every paragraph file besides its sentences.
pub fn shape(settings: &Settings) -> plan::Shape<'_> {
    plan::Shape {
        layout: &settings.layout,
        loudness: settings.master.loudness,
        episode_rate: settings.master.sample_rate,
    }
}

/// The episode's metadata: the settings' (flags, environment, narrate.toml), else the
/// front matter's, else for the title the script's file stem (`narration` on standard
/// input). A bad value in front matter is an error naming its line.
pub fn credits(settings: &Settings, doc: &Document) -> Result<Credits> {
    let front = config::front_matter(doc, &settings.script.script)?;
    let mut credits = settings.credits.clone().or(front);
    if credits.title.is_none() {
        let stem = match &settings.script.script {
            Source::File(p) => p.file_stem().map(|s| s.to_string_lossy().into_owned()),
            Source::Stdin => None,
        };
        credits.title = Some(stem.unwrap_or_else(|| "narration".to_owned()));
    }
    Ok(credits)
}
