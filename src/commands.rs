//! One function per command: turn settings into work and print what a person needs.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::cli::{CheckArgs, Cli, Command, RenderArgs, SpeakArgs, TextArgs, Verbosity, VoicesArgs};
use crate::config::{self, ScriptSettings, Settings};
use crate::engine::{self, EngineKind};
use crate::error::{Error, InputError, Result};
use crate::render::cache::EngineStamp;
use crate::render::plan::Action;
use crate::render::run::Report;
use crate::render::{self, Summary};
use crate::text::normalize::Lexicon;
use crate::text::Document;

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        None => narrate(&cli.render),
        Some(Command::Render(args)) => narrate(&args),
        Some(Command::Plan(args)) => plan(&args),
        Some(Command::Watch(args)) => crate::watch::watch(&args),
        Some(Command::Text(args)) => text(&args),
        Some(Command::Check(args)) => check(&args),
        Some(Command::Voices(args)) => voices(&args),
        Some(Command::Speak(args)) => speak(&args),
        Some(Command::Completions { shell }) => {
            let mut cmd = crate::cli::command();
            clap_complete::generate(shell, &mut cmd, "narrate", &mut std::io::stdout());
            Ok(())
        }
        Some(Command::Man) => {
            crate::man::render(&mut std::io::stdout()).map_err(|e| Error::Other(e.into()))
        }
    }
}

fn report(v: &Verbosity) -> Report {
    if v.quiet {
        Report::Quiet
    } else if v.verbose {
        Report::Verbose
    } else {
        Report::Normal
    }
}

/// Reads the lexicon named in the settings, or an empty one.
fn load_lexicon(settings: &ScriptSettings) -> Result<Lexicon> {
    let Some(path) = &settings.lexicon else {
        return Ok(Lexicon::default());
    };
    let source = match std::fs::read_to_string(path) {
        Ok(s) => s,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(crate::script::not_found(path, &["toml"], "").into())
        }
        Err(source) => {
            return Err(InputError::Read {
                path: path.clone(),
                source,
            }
            .into())
        }
    };
    Ok(Lexicon::parse(&source, path).map_err(InputError::from)?)
}

/// Loads the script and says what was skipped.
fn load_script(settings: &ScriptSettings, report: Report) -> Result<Document> {
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
    Ok(doc)
}

/// Opens the engine for `voice` while a spare thread compiles the text rules.
///
/// The thread must be running before the engine's library loads: a thread that starts
/// while the dynamic loader is busy waits for it (measured: the rules then started 6 ms
/// late, after libespeak-ng had loaded).
pub(crate) fn open_engine(voice: &config::Voice) -> Result<Box<dyn engine::Engine>> {
    let (started, running) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = started.send(());
        crate::text::normalize::warm_up();
    });
    let _ = running.recv();
    Ok(engine::open(voice.engine, &voice.voice, voice.noise)?)
}

fn narrate(args: &RenderArgs) -> Result<()> {
    let settings = args.settings()?;
    if args.dump_config {
        print!("{}", config::dump(&settings));
        return Ok(());
    }
    // Before the engine loads, so that an early Ctrl-C also ends with code 130.
    let interrupted = interrupt_flag();
    let report = report(&args.verbosity);
    let (doc, lexicon) = load_inputs(&settings, report)?;
    let mut engine = open_engine(&settings.script.voice)?;
    let summary = render::render(
        &settings,
        &doc,
        &lexicon,
        engine.as_mut(),
        report,
        interrupted,
    )?;
    report_run(&summary, report);
    if report != Report::Quiet {
        eprintln!("{}", summary_line(&summary, &settings));
    }
    Ok(())
}

/// A flag set by the first Ctrl-C; the renderer stops at the next sentence. A second Ctrl-C
/// exits at once (temporary files then stay in .narrate/tmp and are cleared next run).
pub(crate) fn interrupt_flag() -> &'static AtomicBool {
    let flag = &crate::checkpoint::INTERRUPTED;
    // Fails only if a handler is already installed (by an embedding program): keep theirs.
    let _ = ctrlc::set_handler(move || {
        if flag.swap(true, Ordering::SeqCst) {
            std::process::exit(crate::error::exit::INTERRUPTED);
        }
    });
    flag
}

/// What a run reports beside its summary line: what it found damaged, and with `-v` the
/// files it wrote and removed.
pub(crate) fn report_run(summary: &Summary, report: Report) {
    if report == Report::Quiet {
        return;
    }
    for warning in &summary.warnings {
        eprintln!("warning: {warning}");
    }
    if report == Report::Verbose {
        for (file, sentences) in &summary.written_files {
            eprintln!("  wrote {file} ({sentences} sentences spoken)");
        }
        for file in &summary.removed_files {
            eprintln!("  removed {file}");
        }
    }
}

/// Reads the script and lexicon of `settings`.
pub(crate) fn load_inputs(settings: &Settings, report: Report) -> Result<(Document, Lexicon)> {
    Ok((
        load_script(&settings.script, report)?,
        load_lexicon(&settings.script)?,
    ))
}

/// Script text as it may be shown on a terminal: control characters (an escape sequence in
/// a script could set the terminal's title or worse) are written as escapes, `\u{1b}`.
pub(crate) fn shown(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// `m:ss` or `h:mm:ss`.
fn clock(d: std::time::Duration) -> String {
    let s = d.as_secs();
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// How long a run took: rebuilds take milliseconds, which "0.0 s" would hide.
fn took(wall: std::time::Duration) -> String {
    let s = wall.as_secs_f64();
    if s < 1.0 {
        format!("{:.0} ms", s * 1000.0)
    } else {
        format!("{s:.1} s")
    }
}

/// `1 paragraph`, `2 paragraphs`: `n` of a regular English noun.
fn counted(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// The closing line of a run.
pub fn summary_line(s: &Summary, settings: &Settings) -> String {
    let wall = s.wall.as_secs_f64();
    // Speed means something only when something was spoken.
    let speed = if s.synthesized == 0 {
        "nothing to speak".to_owned()
    } else if wall > 0.0 {
        format!("{:.0}x real time", s.audio.as_secs_f64() / wall)
    } else {
        "instant".to_owned()
    };
    let took = took(s.wall);
    let mut line = format!(
        "narrated {}, {}: {} of audio in {took} ({speed}) -> {}\n  \
         speech: {} synthesized, {} from the cache; files: {} written, {} unchanged",
        counted(s.paragraphs, "paragraph"),
        counted(s.sentences, "sentence"),
        clock(s.audio),
        settings.output.display(),
        s.synthesized,
        s.cached,
        s.written,
        s.kept,
    );
    if s.removed > 0 {
        line.push_str(&format!(", {} removed", s.removed));
    }
    if let Some(e) = &s.episode {
        let loudness = e
            .loudness
            .as_ref()
            .and_then(|l| {
                Some(format!(
                    "{:.1} LUFS, true peak {:.1} dBTP",
                    l.integrated?.0, l.true_peak?.0
                ))
            })
            .unwrap_or_else(|| "not measured".to_owned());
        line.push_str(&format!(
            "\n  episode: {}/{{{},{}}} at {} Hz, {} ({}){}",
            settings.output.display(),
            crate::render::episode::WAV,
            crate::render::episode::MP3,
            e.sample_rate,
            loudness,
            settings.master.loudness,
            if s.episode_written { "" } else { ", unchanged" },
        ));
    }
    line
}

fn plan(args: &RenderArgs) -> Result<()> {
    let settings = args.settings()?;
    let doc = load_script(&settings.script, report(&args.verbosity))?;
    let lexicon = load_lexicon(&settings.script)?;
    let engine = open_engine(&settings.script.voice)?;
    let stamp = EngineStamp {
        version: engine.version(),
        sample_rate: engine.sample_rate(),
        fingerprint: engine.fingerprint(),
    };
    let cache = crate::render::store::cache_of(&settings.output);
    let render::run::Prepared { plan, previous, .. } =
        render::run::prepare_plan(&settings, &doc, &lexicon, &stamp, &cache);
    let mut out = std::io::stdout().lock();
    if let crate::render::manifest::Loaded::Damaged { reason } = &previous {
        let _ = writeln!(
            out,
            "   !  manifest  {} is damaged ({reason}): a run sets it aside and rebuilds from the cache",
            crate::render::store::manifest_path(&settings.output).display()
        );
    }
    let mut synth = 0;
    for step in &plan.steps {
        let p = &step.keyed.paragraph;
        let what = match &step.action {
            Action::Keep => "keep      ".to_owned(),
            Action::Assemble => "assemble  ".to_owned(),
            Action::Synthesize { sentences } => {
                synth += sentences.len();
                format!(
                    "synthesize {} of {} sentences",
                    sentences.len(),
                    p.sentences.len()
                )
            }
        };
        let _ = writeln!(out, "{:>4}  {what}  {}  ({})", p.index, p.file, step.reason);
        if let Action::Synthesize { sentences } = &step.action {
            for &i in sentences {
                let _ = writeln!(out, "        + {}", shown(&p.sentences[i].text));
            }
        }
    }
    for name in &plan.remove {
        let _ = writeln!(out, "   -  remove    {name}  (paragraph gone)");
    }
    for name in &plan.foreign {
        let _ = writeln!(
            out,
            "   !  refuse    {name}  (exists; narrate did not write it)"
        );
    }
    let _ = writeln!(
        out,
        "{} paragraphs: {} sentences to synthesize, {} files to remove",
        plan.steps.len(),
        synth,
        plan.remove.len()
    );
    // A run would refuse to start: say so the same way, with the same exit code.
    match plan.refusal(&settings.output) {
        Some(refusal) => Err(refusal),
        None => Ok(()),
    }
}

fn text(args: &TextArgs) -> Result<()> {
    let settings = args.script.settings()?;
    let doc = load_script(&settings, report(&args.verbosity))?;
    let lexicon = load_lexicon(&settings)?;
    let paragraphs = crate::render::script::prepare(&doc, &lexicon);
    let mut out = std::io::stdout().lock();
    if args.json {
        #[derive(serde::Serialize)]
        struct Json<'a> {
            paragraphs: &'a [crate::render::script::Paragraph],
        }
        let json = serde_json::to_string_pretty(&Json {
            paragraphs: &paragraphs,
        })
        .map_err(|e| Error::Other(e.into()))?;
        let _ = writeln!(out, "{json}");
        return Ok(());
    }
    for p in &paragraphs {
        let _ = writeln!(
            out,
            "{:>3}. {}  [{}, line {}]",
            p.index,
            shown(&p.title),
            p.file,
            p.line
        );
        for s in &p.sentences {
            let _ = writeln!(out, "     {}", shown(&s.text));
            if s.speech != s.text {
                let _ = writeln!(out, "       -> {}", shown(&s.speech));
            }
        }
    }
    Ok(())
}

/// `narrate check`: the words espeak-ng may read wrong (see [`crate::check`]), always with
/// espeak-ng (Piper speaks its phonemes too): the configured voice, or en-us.
fn check(args: &CheckArgs) -> Result<()> {
    let settings = args.script.settings()?;
    let doc = load_script(&settings, Report::Normal)?;
    let lexicon = load_lexicon(&settings)?;
    let entries = crate::check::LexiconEntries::read(settings.lexicon.as_deref())?;
    let voice = match settings.voice.engine {
        EngineKind::Espeak => settings.voice.voice.0.as_str(),
        _ => "en-us",
    };
    let paragraphs = crate::render::script::prepare(&doc, &lexicon);
    let report = crate::check::check(&paragraphs, &entries, voice)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        let json = serde_json::to_string_pretty(&report).map_err(|e| Error::Other(e.into()))?;
        let _ = writeln!(out, "{json}");
        return Ok(());
    }
    for p in &report.paragraphs {
        let _ = writeln!(out, "{:>3}. {}  [line {}]", p.index, p.title, p.line);
        for f in &p.findings {
            let note = f
                .note
                .as_deref()
                .map(|n| format!("  ({n})"))
                .unwrap_or_default();
            let (word, kind) = (&f.word, f.kind.label());
            let _ = writeln!(out, "     {word:<16} {kind:<10} {}{note}", f.phonemes);
        }
    }
    let entries = report.entries();
    if !entries.is_empty() {
        let beside = || settings.script.dir().join(config::LEXICON_FILE);
        let target = settings.lexicon.clone().unwrap_or_else(beside);
        let _ = writeln!(
            out,
            "\nEntries to paste into {} and edit:",
            target.display()
        );
        for entry in entries {
            let _ = write!(out, "\n{entry}");
        }
    }
    for u in &report.unused_entries {
        let (path, text) = (u.path.display(), &u.text);
        let _ = writeln!(
            out,
            "\n{path}:{}: {text:?} matches nothing in the script",
            u.line
        );
    }
    let _ = writeln!(out, "\n{}", report.summary.line(&report.voice));
    Ok(())
}

fn voices(args: &VoicesArgs) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match args.engine()? {
        None => {
            system_voices(EngineKind::platform_default(), args, &mut out)?;
            if !args.json {
                let _ = writeln!(out);
                piper_voices(args, &mut out)?;
            }
        }
        Some(EngineKind::Piper) => piper_voices(args, &mut out)?,
        Some(kind) => system_voices(kind, args, &mut out)?,
    }
    Ok(())
}

/// `header` and `rows` as columns as wide as their widest cell (in characters), two blanks
/// apart, each line without trailing blanks.
fn table(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let mut lines: Vec<Vec<String>> = vec![header.iter().map(|h| (*h).to_owned()).collect()];
    lines.extend(rows.map(|row| row.iter().map(|c| c.trim().to_owned()).collect()));
    let mut widths = vec![0; header.len()];
    for line in &lines {
        for (width, cell) in widths.iter_mut().zip(line) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for line in &lines {
        let mut text = String::new();
        for (cell, width) in line.iter().zip(&widths) {
            text.push_str(cell);
            text.push_str(&" ".repeat(width - cell.chars().count() + 2));
        }
        out.push_str(text.trim_end());
        out.push('\n');
    }
    out
}

/// The voices of a platform engine (espeak-ng, say, SAPI).
fn system_voices(kind: EngineKind, args: &VoicesArgs, out: &mut impl Write) -> Result<()> {
    let mut engine = engine::open(kind, &engine::VoiceId(String::new()), Default::default())?;
    let voices = engine.voices()?;
    if args.json {
        let json = serde_json::to_string_pretty(&voices).map_err(|e| Error::Other(e.into()))?;
        let _ = writeln!(out, "{json}");
        return Ok(());
    }
    let rows = voices.iter().map(|v| {
        vec![
            v.id.to_string(),
            v.language.clone(),
            v.gender.clone().unwrap_or_else(|| "-".to_owned()),
            v.name.clone(),
        ]
    });
    let header = ["VOICE", "LANGUAGE", "GENDER", "NAME"];
    let _ = write!(out, "{}", table(&header, rows));
    let _ = writeln!(out, "{} voices ({kind})", voices.len());
    Ok(())
}

/// `narrate speak`: the script read aloud now (see [`crate::live`]).
#[cfg(feature = "live")]
fn speak(args: &SpeakArgs) -> Result<()> {
    let settings = args.script.settings()?;
    let doc = load_script(&settings, Report::Normal)?;
    let lexicon = load_lexicon(&settings)?;
    let paragraphs = crate::render::script::prepare(&doc, &lexicon);
    crate::live::speak(&paragraphs, args.paragraph, &settings)
}

/// Without the `live` feature, `narrate speak` exists but says how to get it.
#[cfg(not(feature = "live"))]
fn speak(_: &SpeakArgs) -> Result<()> {
    Err(engine::EngineError::Missing {
        what: "live speech".into(),
        reason: "this narrate was built without the `live` feature".into(),
        hint: "rebuild with `cargo install --path . --features live` (on Linux that needs \
               libspeechd-dev and libclang-dev: `scripts/setup --live`)"
            .into(),
    }
    .into())
}

/// Installed Piper voices: reading their configs needs neither the runtime nor the models.
#[cfg(feature = "piper")]
fn piper_voices(args: &VoicesArgs, out: &mut impl Write) -> Result<()> {
    use crate::engine::piper::voices;
    let installed = voices::installed();
    if args.json {
        let json = serde_json::to_string_pretty(&installed).map_err(|e| Error::Other(e.into()))?;
        let _ = writeln!(out, "{json}");
        return Ok(());
    }
    let dir = voices::voices_dir().unwrap_or_default();
    if installed.is_empty() {
        let _ = writeln!(
            out,
            "no Piper voices installed in {}\n  hint: {}",
            dir.display(),
            voices::INSTALL_HINT
        );
        return Ok(());
    }
    let rows = installed.iter().map(|v| {
        vec![
            v.id.to_string(),
            v.language.to_string(),
            v.quality.to_string(),
            v.sample_rate.to_string(),
            v.licence.to_string(),
        ]
    });
    let header = ["VOICE", "LANGUAGE", "QUALITY", "HZ", "LICENCE"];
    let _ = write!(out, "{}", table(&header, rows));
    let _ = writeln!(
        out,
        "{} voices (piper, in {}; use with --engine piper --voice VOICE)",
        installed.len(),
        dir.display()
    );
    Ok(())
}

#[cfg(not(feature = "piper"))]
fn piper_voices(_: &VoicesArgs, out: &mut impl Write) -> Result<()> {
    let _ = writeln!(
        out,
        "Piper voices: this narrate was built without the piper feature"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn control_characters_are_shown_as_escapes() {
        assert_eq!(shown("plain text — fine"), "plain text — fine");
        assert_eq!(
            shown("a\u{1b}]0;pwned\u{7}b\u{9b}c"),
            "a\\u{1b}]0;pwned\\u{7}b\\u{9b}c"
        );
    }

    #[test]
    fn table_columns_are_as_wide_as_their_widest_cell() {
        let rows = [
            vec![
                "chr-US-Qaaa-x-west".to_owned(),
                "chr".to_owned(),
                "Cherokee ".to_owned(),
            ],
            vec!["en".to_owned(), "en-gb".to_owned(), "English".to_owned()],
        ];
        assert_eq!(
            table(&["VOICE", "LANGUAGE", "NAME"], rows.into_iter()),
            "VOICE               LANGUAGE  NAME\n\
             chr-US-Qaaa-x-west  chr       Cherokee\n\
             en                  en-gb     English\n"
        );
    }

    #[test]
    fn one_is_singular() {
        assert_eq!(counted(0, "paragraph"), "0 paragraphs");
        assert_eq!(counted(1, "paragraph"), "1 paragraph");
        assert_eq!(counted(2, "sentence"), "2 sentences");
    }

    #[test]
    fn run_times_under_a_second_are_in_milliseconds() {
        assert_eq!(took(Duration::from_micros(41_400)), "41 ms");
        assert_eq!(took(Duration::from_millis(999)), "999 ms");
        assert_eq!(took(Duration::from_millis(2_940)), "2.9 s");
    }
}
