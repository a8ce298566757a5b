//! `narrate text` (what will be spoken) and `narrate check` (words the engine may read
//! wrong).

use std::io::Write;

use super::report::{self, shown, Report};
use super::{json, load_inputs};
use crate::check::Report as Findings;
use crate::cli::{CheckArgs, TextArgs};
use crate::config::{self, ScriptSettings};
use crate::engine::EngineKind;
use crate::error::Result;
use crate::script::Paragraph;

pub fn text(args: &TextArgs) -> Result<()> {
    let settings = args.script.settings()?;
    let (doc, lexicon) = load_inputs(&settings, Report::of(&args.verbosity))?;
    let paragraphs = crate::script::prepare(&doc, &lexicon);
    if args.json {
        #[derive(serde::Serialize)]
        struct Json<'a> {
            paragraphs: &'a [Paragraph],
        }
        let json = json(&Json {
            paragraphs: &paragraphs,
        })?;
        return report::to_stdout(|out| writeln!(out, "{json}"));
    }
    report::to_stdout(|out| {
        for p in &paragraphs {
            let title = shown(&p.title);
            writeln!(
                out,
                "{:>3}. {title}  [{}, line {}]",
                p.index, p.file, p.line
            )?;
            for s in &p.sentences {
                writeln!(out, "     {}", shown(&s.text))?;
                if s.speech != s.text {
                    writeln!(out, "       -> {}", shown(&s.speech))?;
                }
            }
        }
        Ok(())
    })
}

/// `narrate check`: the words espeak-ng may read wrong (see [`crate::check`]), always with
/// espeak-ng (Piper speaks its phonemes too): the configured voice, or en-us.
pub fn check(args: &CheckArgs) -> Result<()> {
    let settings = args.script.settings()?;
    let (doc, lexicon) = load_inputs(&settings, Report::Normal)?;
    let entries = crate::check::LexiconEntries::read(settings.lexicon.as_deref())?;
    let voice = match settings.voice.engine {
        EngineKind::Espeak => settings.voice.voice.0.as_str(),
        _ => "en-us",
    };
    let paragraphs = crate::script::prepare(&doc, &lexicon);
    let findings = crate::check::check(&paragraphs, &entries, voice)?;
    if args.json {
        let json = json(&findings)?;
        return report::to_stdout(|out| writeln!(out, "{json}"));
    }
    report::to_stdout(|out| print_findings(out, &findings, &settings))
}

/// The findings of `narrate check` per paragraph, the entries to paste, the entries that
/// match nothing, and the summary.
fn print_findings(
    out: &mut dyn Write,
    report: &Findings,
    settings: &ScriptSettings,
) -> std::io::Result<()> {
    for p in &report.paragraphs {
        writeln!(out, "{:>3}. {}  [line {}]", p.index, p.title, p.line)?;
        for f in &p.findings {
            let note = f
                .note
                .as_deref()
                .map(|n| format!("  ({n})"))
                .unwrap_or_default();
            let (word, kind) = (&f.word, f.kind.label());
            writeln!(out, "     {word:<16} {kind:<10} {}{note}", f.phonemes)?;
        }
    }
    let entries = report.entries();
    if !entries.is_empty() {
        let beside = || settings.script.dir().join(config::LEXICON_FILE);
        let target = settings.lexicon.clone().unwrap_or_else(beside);
        writeln!(
            out,
            "\nEntries to paste into {} and edit:",
            target.display()
        )?;
        for entry in entries {
            write!(out, "\n{entry}")?;
        }
    }
    for u in &report.unused_entries {
        let (path, text) = (u.path.display(), &u.text);
        writeln!(
            out,
            "\n{path}:{}: {text:?} matches nothing in the script",
            u.line
        )?;
    }
    writeln!(out, "\n{}", report.summary.line(&report.voice))
}
