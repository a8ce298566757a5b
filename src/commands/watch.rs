//! `narrate watch`: narrate, then again after each save of the script, its lexicon or
//! narrate.toml, printing what changed. Saves are debounced (editors write in several steps).
//! A bad edit (a malformed lexicon, say) is reported and the watch goes on.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::time::Duration;

use notify_debouncer_mini::{new_debouncer, notify::RecursiveMode};

use super::report::{self, Report, Terminal};
use super::{interrupt_flag, load_inputs, Narration};
use crate::cli::RenderArgs;
use crate::config::{Source, CONFIG_FILE};
use crate::error::{Error, Result};

/// Quiet time after the last write before narrate runs.
const DEBOUNCE: Duration = Duration::from_millis(300);
/// How often a changed file is read again while it settles.
const SETTLE: Duration = Duration::from_millis(50);
/// How long every watched file must have gone unmodified before narrate reads it: a program
/// that saves in several writes with pauses between them is not caught half-way.
const QUIET: Duration = Duration::from_millis(300);
/// The longest narrate waits for a file to settle.
const SETTLE_LIMIT: Duration = Duration::from_secs(5);

/// The files whose saves trigger a run.
fn watched(args: &RenderArgs) -> Result<Vec<PathBuf>> {
    let settings = args.settings()?;
    let Source::File(script) = &settings.script.script else {
        return Err(Error::Other(anyhow::anyhow!(
            "watch needs a script file, not standard input"
        )));
    };
    let mut files = vec![
        script.clone(),
        settings.script.script.dir().join(CONFIG_FILE),
    ];
    files.extend(settings.script.lexicon.clone());
    files.extend(args.script.config.clone());
    Ok(files)
}

/// What each watched file holds now (`None`: missing or unreadable). Events alone do not
/// say a file changed: reading one (narrate does, every run) is an event too, and an editor
/// may save without changing anything.
fn contents(files: &[PathBuf]) -> Vec<Option<blake3::Hash>> {
    files
        .iter()
        .map(|f| std::fs::read(f).ok().map(|bytes| blake3::hash(&bytes)))
        .collect()
}

/// Whether no watched file was modified in the last [`QUIET`].
fn quiet(files: &[PathBuf]) -> bool {
    files.iter().all(|f| {
        std::fs::metadata(f)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_none_or(|age| age >= QUIET)
    })
}

/// The files' contents once two reads [`SETTLE`] apart agree and no file was modified for
/// [`QUIET`] (for at most [`SETTLE_LIMIT`]), starting from the reading `now`: the debouncer
/// can report a save as it starts, a file caught between an editor's truncate and its write
/// would be read empty, and a program may write a file in pieces with pauses between them.
fn settled(files: &[PathBuf], mut now: Vec<Option<blake3::Hash>>) -> Vec<Option<blake3::Hash>> {
    let started = std::time::Instant::now();
    while started.elapsed() < SETTLE_LIMIT {
        std::thread::sleep(SETTLE);
        let again = contents(files);
        if again == now && quiet(files) {
            break;
        }
        now = again;
    }
    now
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a.file_name() == b.file_name(),
    }
}

/// Runs until Ctrl-C.
pub fn watch(args: &RenderArgs) -> Result<()> {
    let report = Report::of(&args.verbosity);
    // What changed is what a watch is for: the files written, always.
    let written = match report {
        Report::Quiet => Report::Quiet,
        Report::Normal | Report::Verbose => Report::Verbose,
    };
    let files = watched(args)?;
    let interrupted = interrupt_flag();
    let mut narration = Narration::open(args.settings()?)?;
    let (tx, rx) = mpsc::channel();
    let mut debouncer = new_debouncer(DEBOUNCE, tx).map_err(|e| Error::Other(e.into()))?;
    for dir in folders(&files) {
        // Folders, not files: editors that save by rename replace the file being watched.
        debouncer
            .watcher()
            .watch(&dir, RecursiveMode::NonRecursive)
            .map_err(|e| Error::Other(e.into()))?;
    }
    let mut once = || -> Result<()> {
        narration.update(args.settings()?)?;
        let (doc, lexicon) = load_inputs(&narration.settings.script, report)?;
        let summary = narration.run(&doc, &lexicon, &mut Terminal::new(report), interrupted)?;
        report::report_run(&summary, &narration.settings, written);
        Ok(())
    };

    let mut last = contents(&files);
    if let Err(e) = once() {
        if matches!(e, Error::Interrupted | Error::Locked { .. }) {
            return Err(e);
        }
        report::print_error(&e);
    }
    if report != Report::Quiet {
        eprintln!("watching {} (Ctrl-C to stop)", files[0].display());
    }
    loop {
        if interrupted.load(Ordering::SeqCst) {
            return Err(Error::Interrupted);
        }
        let events = match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(Ok(events)) => events,
            Ok(Err(e)) => return Err(Error::Other(e.into())),
            Err(mpsc::RecvTimeoutError::Timeout) => continue,
            Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(()),
        };
        if !files
            .iter()
            .any(|f| events.iter().any(|e| same_file(&e.path, f)))
        {
            continue;
        }
        let Some(changed) = changes(&files, &mut last) else {
            continue;
        };
        if report != Report::Quiet {
            eprintln!("changed: {}", changed.join(", "));
        }
        match once() {
            Err(Error::Interrupted) => return Err(Error::Interrupted),
            Err(e) => report::print_error(&e),
            Ok(()) => {}
        }
    }
}

/// The folders holding `files`, each once.
fn folders(files: &[PathBuf]) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = files
        .iter()
        .map(|f| match f.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        })
        .collect();
    dirs.sort();
    dirs.dedup();
    dirs
}

/// The names of the files whose contents differ from `last` once they settled (updating
/// `last`), or none when nothing changed (most often narrate's own reading of the script).
fn changes(files: &[PathBuf], last: &mut Vec<Option<blake3::Hash>>) -> Option<Vec<String>> {
    let now = contents(files);
    if now == *last {
        return None;
    }
    let now = settled(files, now);
    let changed: Vec<String> = files
        .iter()
        .zip(now.iter().zip(last.iter()))
        .filter(|(_, (now, last))| now != last)
        .map(|(f, _)| f.display().to_string())
        .collect();
    *last = now;
    (!changed.is_empty()).then_some(changed)
}
