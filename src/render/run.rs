//! Carrying out a plan: paragraph by paragraph on two threads (speaking, finishing), so
//! memory does not grow with the script.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::cache::{Cache, EngineStamp};
use super::episode;
use super::finish::Finisher;
use super::manifest::{self, EpisodeEntry, Loaded, Manifest};
use super::plan::{self, Keyed, Plan};
use super::publish;
use super::speak::{speak, Spoken};
use super::stamp::FileStamp;
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
    /// What was found damaged and not used (a cache entry, the manifest), for the user.
    pub warnings: Vec<String>,
}

/// How the run reports progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Report {
    Quiet,
    Normal,
    Verbose,
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

/// The keyed paragraphs and plan for `settings`, reading the output folder but writing
/// nothing.
pub fn prepare_plan(
    settings: &Settings,
    doc: &crate::text::Document,
    lexicon: &Lexicon,
    stamp: &EngineStamp,
    cache: &Cache,
) -> Prepared {
    let out = settings.output.clone();
    // A manifest of the first format implies the seven listings of its time.
    let listed: Vec<&str> = output::all()
        .iter()
        .map(|l| l.file_name())
        .take(7)
        .collect();
    let previous = manifest::load(&store::manifest_path(&out), &listed, &EPISODE);
    let owned = store::owned_files(&out, &previous);
    let good = previous.good();
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
    let on_disk = |f: &str| out.join(f).is_file();
    let stamps: HashMap<&str, &FileStamp> = good
        .iter()
        .flat_map(|m| m.paragraphs.iter().map(|p| (p.file.as_str(), &p.stamp)))
        .collect();
    let intact = |f: &str| stamps.get(f).is_some_and(|s| store::intact(&out, f, s));
    let fixed: Vec<&str> = output::all()
        .iter()
        .map(|l| l.file_name())
        .chain(publish::NAMES)
        .chain(EPISODE)
        .collect();
    let mut plan = plan::plan(
        keyed,
        good,
        &owned,
        &fixed,
        &plan::Facts {
            cached: &|k| cache.contains(k),
            on_disk: &on_disk,
            intact: &intact,
        },
    );
    let writes = writes_episode(settings, &plan);
    let listings = listing_names(settings, writes);
    let episode = EPISODE.iter().filter(|_| writes);
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

/// The episode's files.
const EPISODE: [&str; 2] = [episode::WAV, episode::MP3];

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

/// The episode of the last run, if it was made from the same input and its files are the
/// ones it wrote.
fn reusable_episode(out: &Path, previous: &Loaded, hash: Option<&String>) -> Option<EpisodeEntry> {
    let entry = previous.good()?.episode.as_ref()?;
    let whole = EPISODE.iter().all(|name| {
        entry
            .files
            .get(*name)
            .is_some_and(|s| store::intact(out, name, s))
    });
    (Some(&entry.hash) == hash && whole).then(|| entry.clone())
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
    let store = Store::open(&settings.output)?;
    let result = render_in(&store, settings, doc, lexicon, engine, report, interrupted);
    match result {
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

/// [`render`] in an opened store.
fn render_in(
    store: &Store,
    settings: &Settings,
    doc: &crate::text::Document,
    lexicon: &Lexicon,
    engine: &mut dyn Engine,
    report: Report,
    interrupted: &AtomicBool,
) -> Result<Summary> {
    let cache = store.cache();
    let stamp = EngineStamp {
        version: engine.version(),
        sample_rate: engine.sample_rate(),
        fingerprint: engine.fingerprint(),
    };
    let Prepared {
        plan,
        previous,
        owned,
    } = prepare_plan(settings, doc, lexicon, &stamp, &cache);
    if let Some(refusal) = plan.refusal(store.out()) {
        return Err(refusal);
    }
    super::finish::refuse_too_long(&plan, settings, stamp.sample_rate)?;
    let mut warnings = Vec::new();
    if let Loaded::Damaged { reason } = &previous {
        let to = store.set_aside_manifest()?;
        warnings.push(format!(
            "{}: damaged ({reason}); set aside as {}, rebuilding from the cache",
            store::manifest_path(store.out()).display(),
            to.display()
        ));
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
    let reuse = reusable_episode(store.out(), &previous, episode_hash.as_ref());
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
        store,
        target: settings.master.loudness.target(1),
        stream,
    };
    let (spoken, finished) = std::thread::scope(|scope| {
        let (jobs, queue) = std::sync::mpsc::sync_channel(2);
        let finishing = scope.spawn(move || finisher.run(queue));
        let spoken = speak(
            settings,
            &plan,
            &previous,
            &owned,
            engine,
            &cache,
            &progress,
            jobs,
            interrupted,
        );
        let finished = finishing.join().expect("the finishing thread panicked");
        (spoken, finished)
    });
    progress.finish_and_clear();
    let (finished, stream) = finished?;
    let Spoken {
        mut entries,
        mut summary,
        stale,
    } = spoken?;
    for (slot, loudness, stamp) in finished {
        entries[slot].loudness = loudness;
        entries[slot].stamp = stamp;
    }
    warnings.append(&mut summary.warnings);
    summary.warnings = warnings;

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
        episode: previous.good().and_then(|m| m.episode.clone()),
        listings: Default::default(),
    };
    if let (Some(hash), true) = (episode_hash, summary.failed.is_empty()) {
        let entry = match (reuse, stream) {
            (Some(entry), _) => entry,
            (None, Some(stream)) => {
                if interrupted.load(Ordering::SeqCst) {
                    return Err(Error::Interrupted);
                }
                summary.episode_written = true;
                stream.finish(store, &manifest, &artist, hash)?
            }
            (None, None) => unreachable!("an episode to write has a stream"),
        };
        summary.episode = Some(entry.clone());
        manifest.episode = Some(entry);
    }
    manifest.listings = write_listings(store, &manifest, &artist)?;
    let published = publish::write(
        store,
        &manifest,
        settings,
        &artist,
        summary.episode.is_some(),
        &owned,
    )?;
    manifest.listings.extend(published);
    keep_owning(&mut manifest, &owned, &plan.remove, store.out());
    store.commit(&manifest)?;
    crate::checkpoint::reached("after-commit");

    summary.paragraphs = plan.steps.len();
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

/// Adds to the manifest's `stale` list the files narrate owns that this run leaves in place
/// without recording them otherwise (an episode while the episode is off, when the manifest
/// that described it was lost): they stay narrate's to replace or remove later.
fn keep_owning(manifest: &mut Manifest, owned: &HashSet<String>, removed: &[String], out: &Path) {
    let recorded: HashSet<&str> = manifest.files().map(|(name, _)| name).collect();
    let mut left: Vec<String> = owned
        .iter()
        .filter(|f| !recorded.contains(f.as_str()) && !removed.contains(f))
        .filter(|f| out.join(f).is_file())
        .cloned()
        .collect();
    manifest.stale.append(&mut left);
    manifest.stale.sort();
    manifest.stale.dedup();
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

/// Writes every listing whose content changed, and returns the stamps of all of them. Each
/// write is a synced temporary file and a rename, mostly waiting on the disk: the files are
/// staged side by side, then placed together.
fn write_listings(
    store: &Store,
    manifest: &Manifest,
    artist: &str,
) -> Result<BTreeMap<String, FileStamp>> {
    let program = manifest.program(artist);
    let texts: Vec<(&str, String)> = output::all()
        .iter()
        .map(|listing| (listing.file_name(), listing.render(&program)))
        .collect();
    let mut stamps = BTreeMap::new();
    let mut changed = Vec::new();
    for (name, text) in &texts {
        let path = store.out().join(name);
        if std::fs::read(&path).is_ok_and(|old| old == text.as_bytes()) {
            let hash = blake3::hash(text.as_bytes()).to_hex().to_string();
            let stamp = FileStamp::of_placed(&path, hash)
                .map_err(|e| Error::output(&path, "cannot read", e))?;
            stamps.insert((*name).to_owned(), stamp);
        } else {
            changed.push((*name, text));
        }
    }
    let staged: Vec<(String, tempfile::NamedTempFile)> = std::thread::scope(|scope| {
        let writers: Vec<_> = changed
            .iter()
            .map(|(name, text)| {
                scope.spawn(move || -> Result<_> {
                    let mut file = store.stage(name)?;
                    std::io::Write::write_all(&mut file, text.as_bytes())
                        .and_then(|()| file.as_file().sync_all())
                        .map_err(|e| Error::output(store.out().join(name), "cannot write", e))?;
                    Ok(((*name).to_owned(), file))
                })
            })
            .collect();
        writers
            .into_iter()
            .map(|w| w.join().expect("a listing writer panicked"))
            .collect::<Result<_>>()
    })?;
    let names: Vec<String> = staged.iter().map(|(n, _)| n.clone()).collect();
    for (name, stamp) in names.into_iter().zip(store.place_all(staged)?) {
        stamps.insert(name, stamp);
    }
    Ok(stamps)
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
