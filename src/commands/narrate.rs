//! `narrate` (render a script) and `narrate plan` (what a run would do).

use std::io::Write;

use super::report::{self, shown, Report, Terminal};
use super::{interrupt_flag, load_inputs, Narration};
use crate::cli::RenderArgs;
use crate::config;
use crate::error::Result;
use crate::render::foresee::{foresee, Episode, Foresight, Listings};
use crate::render::manifest::Loaded;
use crate::render::plan::{Action, Plan};
use crate::render::store;

pub fn narrate(args: &RenderArgs) -> Result<()> {
    let settings = args.settings()?;
    if args.dump_config {
        let text = config::dump(&settings);
        return report::to_stdout(|out| out.write_all(text.as_bytes()));
    }
    // Before the engine loads, so that an early Ctrl-C also ends with code 130.
    let interrupted = interrupt_flag();
    let report = Report::of(&args.verbosity);
    let (doc, lexicon) = load_inputs(&settings.script, report)?;
    // A bad date or cover in front matter stops the run before the engine loads.
    crate::render::credits(&settings, &doc)?;
    let mut narration = Narration::open(settings)?;
    let summary = narration.run(&doc, &lexicon, &mut Terminal::new(report), interrupted)?;
    report::report_run(&summary, &narration.settings, report);
    Ok(())
}

pub fn plan(args: &RenderArgs) -> Result<()> {
    let settings = args.settings()?;
    let (doc, lexicon) = load_inputs(&settings.script, Report::of(&args.verbosity))?;
    let credits = crate::render::credits(&settings, &doc)?;
    let mut narration = Narration::open(settings)?;
    let prepared = narration.plan(&doc, &lexicon, &credits);
    let output = &narration.settings.output;
    report::to_stdout(|out| {
        if let Loaded::Damaged { reason } = &prepared.previous {
            writeln!(
                out,
                "   !  manifest  {} is damaged ({reason}): a run sets it aside and rebuilds \
                 from the cache",
                store::manifest_path(output).display()
            )?;
        }
        print_plan(out, &prepared.plan)?;
        let foresight = foresee(&narration.settings, &credits, &prepared);
        print_foresight(out, &foresight)
    })?;
    // A run would refuse to start: say so the same way, with the same exit code.
    match prepared.plan.refusal(output) {
        Some(refusal) => Err(refusal),
        None => Ok(()),
    }
}

/// What happens to the listings and the episode.
fn print_foresight(out: &mut dyn Write, foresight: &Foresight) -> std::io::Result<()> {
    let listings = match &foresight.listings {
        Listings::All => format!(
            "write all {}  (paragraphs change)",
            crate::output::all().len()
        ),
        Listings::Some(names) if names.is_empty() => "keep all  (unchanged)".to_owned(),
        Listings::Some(names) => format!("write {}  (changed or missing)", names.join(", ")),
    };
    writeln!(out, "listings: {listings}")?;
    let episode = match foresight.episode {
        Episode::Off => "none  (--no-episode, or nothing to narrate)",
        Episode::Keep => "keep  (unchanged)",
        Episode::Write => "write  (new, or its paragraphs, titles or settings changed)",
    };
    writeln!(out, "episode: {episode}")
}

/// Each paragraph's step with its reason and the sentences to speak, the files to remove
/// and to refuse, and a total.
fn print_plan(out: &mut dyn Write, plan: &Plan) -> std::io::Result<()> {
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
        writeln!(out, "{:>4}  {what}  {}  ({})", p.index, p.file, step.reason)?;
        if let Action::Synthesize { sentences } = &step.action {
            for &i in sentences {
                writeln!(out, "        + {}", shown(&p.sentences[i].text))?;
            }
        }
    }
    for name in &plan.remove {
        writeln!(out, "   -  remove    {name}  (paragraph gone)")?;
    }
    for name in &plan.foreign {
        writeln!(
            out,
            "   !  refuse    {name}  (exists; narrate did not write it)"
        )?;
    }
    writeln!(
        out,
        "{}: {} to synthesize, {} to remove",
        super::report::counted(plan.steps.len(), "paragraph"),
        super::report::counted(synth, "sentence"),
        super::report::counted(plan.remove.len(), "file"),
    )
}
