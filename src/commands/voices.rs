//! `narrate voices`: the platform engine's voices and the installed Piper voices.

use std::io::Write;

use super::{json, report};
use crate::cli::VoicesArgs;
use crate::engine::{self, EngineKind, VoiceInfo};
use crate::error::Result;

pub fn voices(args: &VoicesArgs) -> Result<()> {
    let asked = args.engine()?;
    let kind = asked.unwrap_or(EngineKind::platform_default());
    let system = match kind {
        EngineKind::Piper => None,
        kind => {
            let mut engine = engine::open(
                kind,
                &engine::VoiceId(kind.default_voice().into()),
                Default::default(),
            )?;
            Some((kind, engine.voices()?))
        }
    };
    let piper = asked.is_none_or(|k| k == EngineKind::Piper);
    if args.json {
        // One engine's list: the system's, or Piper's when asked for.
        let json = match &system {
            Some((_, voices)) => json(voices)?,
            None => piper::json()?,
        };
        return report::to_stdout(|out| writeln!(out, "{json}"));
    }
    report::to_stdout(|out| {
        if let Some((kind, voices)) = &system {
            print_system(out, *kind, voices)?;
        }
        if piper {
            if system.is_some() {
                writeln!(out)?;
            }
            piper::print(out)?;
        }
        Ok(())
    })
}

/// The voices of a platform engine (espeak-ng, say, SAPI).
fn print_system(
    out: &mut dyn Write,
    kind: EngineKind,
    voices: &[VoiceInfo],
) -> std::io::Result<()> {
    let rows = voices.iter().map(|v| {
        vec![
            v.id.to_string(),
            v.language.clone(),
            v.gender.clone().unwrap_or_else(|| "-".to_owned()),
            v.name.clone(),
        ]
    });
    let header = ["VOICE", "LANGUAGE", "GENDER", "NAME"];
    write!(out, "{}", table(&header, rows))?;
    writeln!(out, "{} voices ({kind})", voices.len())
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

/// Installed Piper voices: reading their configs needs neither the runtime nor the models.
#[cfg(feature = "piper")]
mod piper {
    use std::io::Write;

    use crate::engine::piper::voices;
    use crate::error::Result;

    pub fn json() -> Result<String> {
        super::json(&voices::installed())
    }

    pub fn print(out: &mut dyn Write) -> std::io::Result<()> {
        let installed = voices::installed();
        let dir = voices::voices_dir().unwrap_or_default();
        if installed.is_empty() {
            return writeln!(
                out,
                "no Piper voices installed in {}\n  hint: {}",
                dir.display(),
                voices::INSTALL_HINT
            );
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
        write!(out, "{}", super::table(&header, rows))?;
        writeln!(
            out,
            "{} voices (piper, in {}; use with --engine piper --voice VOICE)",
            installed.len(),
            dir.display()
        )
    }
}

#[cfg(not(feature = "piper"))]
mod piper {
    use std::io::Write;

    use crate::error::Result;

    pub fn json() -> Result<String> {
        Ok("[]".to_owned())
    }

    pub fn print(out: &mut dyn Write) -> std::io::Result<()> {
        writeln!(
            out,
            "Piper voices: this narrate was built without the piper feature"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
