//! Carrying out a plan: paragraph by paragraph on two threads (speaking, finishing), so
//! memory does not grow with the script.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::cache::{Cache, EngineStamp};
use super::episode;
use super::finish::Finisher;
use super::manifest::{self, Manifest};
use super::plan::{self, Keyed, Plan};
use super::publish;
use super::speak::{speak, Spoken};
use super::store::{self, Store};
use crate::config::Settings;
use crate::engine::Engine;
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
    let on_disk = |f: &str| out.join(f).is_file();
    let fixed: Vec<&str> = output::all()
        .iter()
        .map(|l| l.file_name())
        .chain(publish::NAMES)
        .chain(EPISODE)
        .collect();
    let mut plan = plan::plan(
        keyed,
        previous.as_ref(),
        &owned,
        &fixed,
        &|k| cache.contains(k),
        &on_disk,
    );
    // Before the manifest vouches for them, only the journal of a run that stopped early
    // can say narrate wrote them.
    let listings = listing_names(settings, writes_episode(settings, &plan));
    let new_episode = writes_episode(settings, &plan) && !episode_vouched(previous.as_ref());
    let unrecorded = listings
        .iter()
        .filter(|_| !listings_vouched(previous.as_ref()))
        .chain(EPISODE.iter().filter(|_| new_episode));
    plan.foreign.extend(
        unrecorded
            .filter(|f| !owned.contains(**f) && on_disk(f))
            .map(|f| (*f).to_owned()),
    );
    (plan, previous)
}

/// The episode's files.
const EPISODE: [&str; 2] = [episode::WAV, episode::MP3];

/// Whether `manifest` says the listings are narrate's: every run writes them before its
/// manifest. Until then a run journals them before writing them.
fn listings_vouched(manifest: Option<&Manifest>) -> bool {
    manifest.is_some()
}

/// Whether `manifest` says the episode files are narrate's: it records them. Until then a
/// run journals them before writing them.
fn episode_vouched(manifest: Option<&Manifest>) -> bool {
    manifest.is_some_and(|m| m.episode.is_some())
}

/// Whether a run of `plan` makes an episode (or keeps the one it made before).
fn writes_episode(settings: &Settings, plan: &Plan) -> bool {
    settings.master.episode && !plan.steps.is_empty()
}

/// The listings' file names, and the read-along files' a run writes with (`episode`) or
/// without a current episode.
fn listing_names(settings: &Settings, episode: bool) -> Vec<&'static str> {
    output::all()
        .iter()
        .map(|l| l.file_name())
        .chain(publish::written(settings, episode))
        .collect()
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
    engine.prepare();
    let mut store = Store::open(&settings.output)?;
    let cache = store.cache();
    let stamp = EngineStamp {
        version: engine.version(),
        sample_rate: engine.sample_rate(),
        fingerprint: engine.fingerprint(),
    };
    let (plan, previous) = prepare_plan(settings, doc, lexicon, &stamp, &cache);
    if let Some(refusal) = plan.refusal(store.out()) {
        store.abandon();
        return Err(refusal);
    }
    let rate = stamp.sample_rate;
    let title = program_title(settings, doc);
    let artist = settings
        .script
        .artist
        .clone()
        .or_else(|| doc.author.clone())
        .unwrap_or_default();

    // The episode is kept when nothing that goes into it changed, else written on the way.
    let episode_hash = writes_episode(settings, &plan).then(|| {
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
        (Some(_), None) => Some({
            if !episode_vouched(previous.as_ref()) {
                store.journal_all(&EPISODE)?;
            }
            episode::Stream::start(
                store.out(),
                &store.tmp(),
                rate,
                &settings.master,
                &title,
                &artist,
                plan.steps
                    .iter()
                    .map(|s| (s.keyed.paragraph.index, s.keyed.paragraph.title.as_str())),
            )?
        }),
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
        // The episode files narrate wrote last, unless this run replaces them: with
        // `--no-episode` or a failed paragraph they stay, and stay narrate's.
        episode: previous.as_ref().and_then(|m| m.episode.clone()),
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
    let (earlier, episode) = (previous.as_ref(), summary.episode.is_some());
    write_all_listings(&mut store, &manifest, settings, earlier, &artist, episode)?;
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

/// Journals the listings and read-along files if no manifest vouches for them yet, then
/// writes them from `manifest` (the read-along files after the episode, `episode` saying
/// whether it is current), and removes the read-along files switched off that are narrate's.
fn write_all_listings(
    store: &mut Store,
    manifest: &Manifest,
    settings: &Settings,
    previous: Option<&Manifest>,
    artist: &str,
    episode: bool,
) -> Result<()> {
    if !listings_vouched(previous) {
        store.journal_all(&listing_names(settings, episode))?;
    }
    write_listings(store, manifest)?;
    let owned = store::owned_files(store.out(), previous);
    let mine = |name: &str| listings_vouched(previous) || owned.contains(name);
    publish::write(store, manifest, settings, artist, episode, &mine)
}

/// Writes every listing whose content changed. Each write is a synced temporary file and a
/// rename, mostly waiting on the disk: they run side by side.
fn write_listings(store: &Store, manifest: &Manifest) -> Result<()> {
    let program = manifest.program();
    let texts: Vec<(&str, String)> = output::all()
        .iter()
        .map(|listing| (listing.file_name(), listing.render(&program)))
        .collect();
    let write = |name: &str, text: &str| -> Result<()> {
        let path = store.out().join(name);
        if std::fs::read(&path).is_ok_and(|old| old == text.as_bytes()) {
            return Ok(());
        }
        store.write(name, text.as_bytes())
    };
    std::thread::scope(|scope| {
        let writes: Vec<_> = texts
            .iter()
            .map(|(name, text)| scope.spawn(|| write(name, text)))
            .collect();
        writes
            .into_iter()
            .try_for_each(|w| w.join().expect("a listing writer panicked"))
    })
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
