//! `narrate man`: clap's man page, with the sections clap does not write, EXIT STATUS and
//! ENVIRONMENT, put before VERSION as man-pages(7) orders them.
//!
//! The exit codes come from [`crate::error::exit::TABLE`], the variables that set flags
//! from the command's own `env` attributes, so neither can drift from what narrate does; a
//! test checks both against the README.

use std::io::Write;

/// Variables narrate reads that are not a flag's: (name, what it does), roff.
const OTHER_VARIABLES: [(&str, &str); 4] = [
    (
        "SOURCE_DATE_EPOCH",
        "Seconds since 1970: the date narration.epub and episode.rss.xml carry. Without it \
         they carry the script's modification time, never the clock.",
    ),
    (
        "XDG_DATA_HOME",
        "Where Piper voices and ONNX Runtime are kept: \\fB$XDG_DATA_HOME/narrate/\\fR \
         (default \\fB~/.local/share/narrate/\\fR).",
    ),
    (
        "ORT_DYLIB_PATH",
        "The ONNX Runtime library \\fB\\-\\-engine piper\\fR loads (1.17 or later), instead \
         of the one kept with the voices.",
    ),
    (
        "NARRATE_SPEAK_NO_DEVICE_CHECK",
        "Set to 1: \\fBnarrate speak\\fR does not look for a sound device first (for a \
         speech\\-dispatcher that plays somewhere narrate cannot see).",
    ),
];

/// `text` with `backquoted` spans in bold and backslashes escaped, for roff.
fn roff(text: &str) -> String {
    let text = text.replace('\\', "\\e");
    let mut out = String::new();
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 1 {
            out.push_str(&format!("\\fB{}\\fR", part.replace('-', "\\-")));
        } else {
            out.push_str(part);
        }
    }
    out
}

/// The EXIT STATUS and ENVIRONMENT sections.
fn sections() -> String {
    let mut out = String::from(".SH \"EXIT STATUS\"\n");
    for (code, meaning) in crate::error::exit::TABLE {
        out.push_str(&format!(".TP\n\\fB{code}\\fR\n{}\n", roff(meaning)));
    }
    out.push_str(
        ".SH ENVIRONMENT\nSettings come from defaults, then narrate.toml, then these \
         variables, then flags: a flag wins over its variable.\n",
    );
    let cmd = crate::cli::command();
    let mut flags: Vec<(String, String)> = Vec::new();
    let commands = std::iter::once(&cmd).chain(cmd.get_subcommands());
    for arg in commands.flat_map(|c| c.get_arguments()) {
        let (Some(env), Some(long)) = (arg.get_env(), arg.get_long()) else {
            continue;
        };
        let env = env.to_string_lossy().into_owned();
        if !flags.iter().any(|(e, _)| *e == env) {
            flags.push((env, long.to_owned()));
        }
    }
    for (env, long) in flags {
        out.push_str(&format!(
            ".TP\n\\fB{env}\\fR\nThe same as \\fB\\-\\-{}\\fR.\n",
            long.replace('-', "\\-")
        ));
    }
    for (env, what) in OTHER_VARIABLES {
        out.push_str(&format!(".TP\n\\fB{env}\\fR\n{what}\n"));
    }
    out
}

/// Writes the man page: narrate(1), or with `subcommand` its own page, narrate-plan(1) for
/// `plan`, which names it `narrate plan` in its synopsis. Every page has the same EXIT STATUS
/// and ENVIRONMENT sections.
pub fn render(out: &mut impl Write, subcommand: Option<&str>) -> std::io::Result<()> {
    let mut cmd = crate::cli::command();
    if let Some(name) = subcommand {
        cmd = cmd
            .find_subcommand(name)
            .ok_or_else(|| std::io::Error::other(format!("no subcommand {name}")))?
            .clone()
            .name(format!("narrate-{name}"))
            .bin_name(format!("narrate {name}"))
            .version(env!("CARGO_PKG_VERSION"));
    }
    let mut page = Vec::new();
    clap_mangen::Man::new(cmd).render(&mut page)?;
    let page = String::from_utf8_lossy(&page);
    let at = page.find("\n.SH VERSION").map_or(page.len(), |i| i + 1);
    out.write_all(page[..at].as_bytes())?;
    out.write_all(sections().as_bytes())?;
    out.write_all(page[at..].as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backquotes_become_bold_and_backslashes_are_escaped() {
        assert_eq!(
            roff("a `narrate-speak` b \\ c"),
            "a \\fBnarrate\\-speak\\fR b \\e c"
        );
    }

    #[test]
    fn sections_come_before_version_and_name_every_exit_code() {
        let mut page = Vec::new();
        render(&mut page, None).expect("writes to memory");
        let page = String::from_utf8(page).expect("UTF-8");
        let exit = page.find(".SH \"EXIT STATUS\"").expect("EXIT STATUS");
        let env = page.find(".SH ENVIRONMENT").expect("ENVIRONMENT");
        assert!(exit < env);
        if let Some(version) = page.find(".SH VERSION") {
            assert!(env < version);
        }
        for (code, _) in crate::error::exit::TABLE {
            assert!(page.contains(&format!(".TP\n\\fB{code}\\fR\n")), "{code}");
        }
        assert!(page.contains("\\fBNARRATE_VOICE\\fR\nThe same as \\fB\\-\\-voice\\fR."));
    }

    #[test]
    fn every_subcommand_has_a_page_of_its_own() {
        let names: Vec<String> = crate::cli::command()
            .get_subcommands()
            .map(|c| c.get_name().to_owned())
            .collect();
        assert_eq!(names, crate::cli::MAN_PAGES);
        for name in crate::cli::MAN_PAGES {
            let mut page = Vec::new();
            render(&mut page, Some(name)).expect("writes to memory");
            let page = String::from_utf8(page).expect("UTF-8");
            assert!(
                page.contains(&format!(".TH narrate-{name} 1")),
                "{name}: {page}"
            );
            assert!(
                page.contains(&format!("\\fBnarrate {name}\\fR")),
                "{name}: synopsis"
            );
            assert!(page.contains(".SH \"EXIT STATUS\""), "{name}");
        }
    }
}
