//! The commands: each turns settings into work and prints what a person needs. The library
//! below prints nothing; what the commands print is in [`report`].

mod eta;
mod narrate;
mod report;
mod speak;
mod text;
mod voices;
mod watch;

use std::sync::atomic::{AtomicBool, Ordering};

pub use report::print_error;

use crate::cli::{Cli, Command};
use crate::config::{Credits, ScriptSettings, Settings, Voice};
use crate::engine::{self, Engine};
use crate::error::{Error, Result};
use crate::render::{Events, Prepared, Session, Summary};
use crate::text::normalize::Lexicon;
use crate::text::Document;
use report::Report;

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        None => narrate::narrate(&cli.render),
        Some(Command::Render(args)) => narrate::narrate(&args),
        Some(Command::Plan(args)) => narrate::plan(&args),
        Some(Command::Watch(args)) => watch::watch(&args),
        Some(Command::Text(args)) => text::text(&args),
        Some(Command::Check(args)) => text::check(&args),
        Some(Command::Voices(args)) => voices::voices(&args),
        Some(Command::Speak(args)) => speak::speak(&args),
        Some(Command::Completions { shell }) => report::to_stdout(|out| {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut crate::cli::command(), "narrate", &mut script);
            out.write_all(&script)
        }),
        Some(Command::Man { page }) => {
            report::to_stdout(|mut out| crate::man::render(&mut out, page.as_deref()))
        }
    }
}

/// What `narrate`, `narrate plan` and `narrate watch` share: the settings, and the engine
/// opened for their voice.
struct Narration {
    settings: Settings,
    engine: Box<dyn Engine>,
}

impl Narration {
    /// Opens the engine for `settings`.
    fn open(settings: Settings) -> Result<Narration> {
        let engine = open_engine(&settings.script.voice)?;
        Ok(Narration { settings, engine })
    }

    /// Takes new settings (`narrate watch` after narrate.toml changed), opening the engine
    /// again only when they ask for another one: engines are opened for one voice.
    fn update(&mut self, settings: Settings) -> Result<()> {
        let opens = |v: &Voice| (v.engine, v.voice.clone(), v.noise);
        if opens(&settings.script.voice) != opens(&self.settings.script.voice) {
            self.engine = open_engine(&settings.script.voice)?;
        }
        self.settings = settings;
        Ok(())
    }

    /// What a run would do.
    fn plan(&mut self, doc: &Document, lexicon: &Lexicon, credits: &Credits) -> Prepared {
        Session::new(&self.settings, self.engine.as_mut()).plan(doc, lexicon, credits)
    }

    /// Narrates `doc`.
    fn run(
        &mut self,
        doc: &Document,
        lexicon: &Lexicon,
        events: &mut dyn Events,
        interrupted: &AtomicBool,
    ) -> Result<Summary> {
        Session::new(&self.settings, self.engine.as_mut()).run(doc, lexicon, events, interrupted)
    }
}

/// Opens the engine for `voice` while a spare thread compiles the text rules.
///
/// The thread must be running before the engine's library loads: a thread that starts
/// while the dynamic loader is busy waits for it (measured: the rules then started 6 ms
/// late, after libespeak-ng had loaded).
fn open_engine(voice: &Voice) -> Result<Box<dyn Engine>> {
    let (started, running) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = started.send(());
        crate::text::normalize::warm_up();
    });
    let _ = running.recv();
    Ok(engine::open(voice.engine, &voice.voice, voice.noise)?)
}

/// A flag set by the first Ctrl-C; the renderer stops at the next sentence. A second Ctrl-C
/// exits at once (temporary files then stay in .narrate/tmp and are cleared next run).
fn interrupt_flag() -> &'static AtomicBool {
    let flag = &crate::checkpoint::INTERRUPTED;
    // Fails only if a handler is already installed (by an embedding program): keep theirs.
    let _ = ctrlc::set_handler(move || {
        if flag.swap(true, Ordering::SeqCst) {
            std::process::exit(crate::error::exit::INTERRUPTED);
        }
    });
    flag
}

/// Reads the script and lexicon of `settings`; with `-v`, says what was skipped.
fn load_inputs(settings: &ScriptSettings, report: Report) -> Result<(Document, Lexicon)> {
    let doc = crate::script::load(&settings.script)?;
    if report == Report::Verbose {
        for s in &doc.skipped {
            eprintln!(
                "skipped {}:{}: nothing to say in {:?}",
                settings.script.display().display(),
                s.line,
                s.text
            );
        }
    }
    let lexicon = crate::script::lexicon(settings.lexicon.as_deref())?;
    Ok((doc, lexicon))
}

/// `value` as pretty JSON, for the commands' `--json`.
fn json(value: &impl serde::Serialize) -> Result<String> {
    serde_json::to_string_pretty(value).map_err(|e| Error::Other(e.into()))
}
