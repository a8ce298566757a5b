//! The other commands: text, voices, plan, help, completions, man page, settings.

use crate::common::{narrate, root, stderr, stdout};

#[test]
fn text_json_shows_every_paragraph_and_sentence_as_written_and_as_spoken() {
    let out = narrate(&root())
        .args(["text", "script/essay.txt", "--json"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let paragraphs = json["paragraphs"].as_array().expect("paragraphs");
    assert_eq!(paragraphs.len(), 13);
    assert_eq!(paragraphs[0]["index"], 1);
    assert!(paragraphs[0]["title"]
        .as_str()
        .expect("title")
        .starts_with("It is abundantly clear"));
    let first = &paragraphs[0]["sentences"][0];
    assert!(first["text"]
        .as_str()
        .expect("text")
        .starts_with("It is abundantly clear that Washington"));
    assert!(first["speech"].is_string());
    let count: usize = paragraphs
        .iter()
        .map(|p| p["sentences"].as_array().expect("s").len())
        .sum();
    assert!((26..=40).contains(&count), "{count} sentences");
    let all = String::from_utf8_lossy(&out.stdout);
    assert!(!all.contains("![]()"), "residue must not be spoken");
}

#[test]
fn text_verbose_says_what_was_skipped() {
    let out = narrate(&root())
        .args(["text", "script/essay.txt", "-v"])
        .output()
        .expect("run");
    assert!(out.status.success());
    assert!(
        stderr(&out).contains("skipped script/essay.txt:1"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn voices_lists_the_engine_voices() {
    let out = narrate(&root()).arg("voices").output().expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.lines().any(|l| l.starts_with("en-us ")), "{text}");
    assert!(text.lines().count() > 20, "{text}");
}

#[test]
fn voices_columns_line_up_for_long_espeak_voice_names() {
    let out = narrate(&root())
        .args(["voices", "--engine", "espeak"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    // A header, a row per voice, and the count.
    let lines: Vec<&str> = text.lines().collect();
    let (header, lines) = lines.split_first().expect("a header");
    let (count, lines) = lines.split_last().expect("a count");
    assert!(count.ends_with(" voices (espeak)"), "{count}");
    // Where each column starts, in characters, as the header says.
    let starts: Vec<usize> = ["VOICE", "LANGUAGE", "GENDER", "NAME"]
        .iter()
        .map(|h| header.find(h).expect("a column heading"))
        .collect();
    assert_eq!(starts[0], 0, "{header}");
    let rows: Vec<Vec<char>> = lines.iter().map(|l| l.chars().collect()).collect();
    assert!(rows.len() > 20, "{text}");
    // espeak-ng has ids longer than the language column was wide (chr-US-Qaaa-x-west).
    assert!(
        rows.iter()
            .any(|r| r.iter().take_while(|c| **c != ' ').count() > 12),
        "{text}"
    );
    for row in &rows {
        let line: String = row.iter().collect();
        assert_eq!(line, line.trim_end(), "trailing blanks: {line:?}");
        for &at in &starts[1..] {
            assert!(
                at < row.len() && row[at - 1] == ' ' && row[at] != ' ',
                "a column does not start at {at}:\n{header}\n{line}"
            );
        }
    }
}

#[test]
fn help_has_examples_and_every_command() {
    let out = narrate(&root()).arg("--help").output().expect("run");
    let text = stdout(&out);
    for needle in [
        "Examples:",
        "narrate my-essay.md -o out/",
        "text",
        "voices",
        "plan",
        "--voice",
        "--rate",
        "--pitch",
    ] {
        assert!(text.contains(needle), "help lacks {needle:?}");
    }
}

#[test]
fn completions_and_man_page_come_from_clap() {
    let bash = narrate(&root())
        .args(["completions", "bash"])
        .output()
        .expect("run");
    assert!(stdout(&bash).contains("_narrate()"), "{}", stdout(&bash));
    assert!(stdout(&bash).contains("--voice"));
    let man = narrate(&root()).arg("man").output().expect("run");
    assert!(
        stdout(&man).starts_with(".ie") || stdout(&man).contains(".TH narrate"),
        "{}",
        stdout(&man)
    );
    assert!(stdout(&man).contains("voice"));
}

#[test]
fn a_subcommand_has_its_own_man_page() {
    let man = narrate(&root())
        .args(["man", "plan"])
        .output()
        .expect("run");
    assert!(man.status.success(), "{}", stderr(&man));
    let page = stdout(&man);
    assert!(page.contains(".TH narrate-plan 1"), "{page}");
    let synopsis = man_section(&page, "SYNOPSIS").expect("a synopsis");
    assert!(synopsis.starts_with("narrate plan "), "{synopsis}");
    let name = man_section(&page, "NAME").expect("a name");
    assert!(name.contains("without touching anything"), "{name}");
    assert!(man_section(&page, "\"EXIT STATUS\"").is_some());
    assert_ne!(
        page,
        stdout(&narrate(&root()).arg("man").output().expect("run"))
    );

    let bad = narrate(&root())
        .args(["man", "plans"])
        .output()
        .expect("run");
    assert_eq!(bad.status.code(), Some(2), "a usage error");
    let err = stderr(&bad);
    assert!(
        err.contains("plans") && err.contains("[possible values: render, plan"),
        "{err}"
    );
}

/// A man page section's text as a reader sees it: requests dropped, font and dash escapes
/// undone, white space collapsed. `None` when there is no such section.
fn man_section(man: &str, heading: &str) -> Option<String> {
    let start = man.find(&format!(".SH {heading}\n"))?;
    let body = &man[start..];
    let body = &body[body.find('\n')? + 1..];
    let body = &body[..body.find("\n.SH ").map_or(body.len(), |e| e + 1)];
    let text: Vec<&str> = body.lines().filter(|l| !l.starts_with('.')).collect();
    let text = text
        .join(" ")
        .replace("\\fB", "")
        .replace("\\fI", "")
        .replace("\\fR", "")
        .replace("\\-", "-")
        .replace("\\(aq", "'")
        .replace("\\e", "\\");
    Some(text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// The environment variables of narrate a text names (NARRATE_*, SOURCE_DATE_EPOCH, ORT_*,
/// XDG_*); those only the test suite reads (NARRATE_TEST_*, NARRATE_RANDOM_*) are not narrate's.
fn variables(text: &str) -> std::collections::BTreeSet<String> {
    text.split(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
        .filter(|w| {
            ["NARRATE_", "SOURCE_DATE_EPOCH", "ORT_", "XDG_"]
                .iter()
                .any(|p| w.starts_with(p))
        })
        .filter(|w| !w.starts_with("NARRATE_TEST_") && !w.starts_with("NARRATE_RANDOM_"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn man_page_has_exit_status_and_environment_matching_the_readme() {
    let man = narrate(&root()).arg("man").output().expect("run");
    assert!(man.status.success(), "{}", stderr(&man));
    let man = stdout(&man);
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");

    let exit = man_section(&man, "\"EXIT STATUS\"").unwrap_or_else(|| panic!("{man}"));
    let table = &readme[readme.find("## Exit codes").expect("an exit code table")..];
    let rows: Vec<(&str, String)> = table
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(|row| {
            let cells: Vec<&str> = row.trim_matches('|').split(" | ").collect();
            (cells[0].trim(), cells[1].trim().replace(['`', '*'], ""))
        })
        .collect();
    assert!(rows.len() >= 9, "{table}");
    for (code, meaning) in &rows {
        assert!(
            exit.contains(&format!("{code} {meaning}")),
            "exit code {code} ({meaning}) is not in EXIT STATUS: {exit}"
        );
    }

    let environment = man_section(&man, "ENVIRONMENT").unwrap_or_else(|| panic!("{man}"));
    let documented = variables(&readme);
    assert!(documented.contains("NARRATE_VOICE"), "{documented:?}");
    assert_eq!(variables(&environment), documented, "{environment}");
}

#[test]
fn narrate_toml_beside_the_script_is_read_and_flags_win() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("s.txt"), "Hello.\n").expect("write");
    std::fs::write(
        dir.path().join("narrate.toml"),
        "rate = 150\nvoice = \"en-gb\"\nnoise-w = 0.5\n",
    )
    .expect("write");
    let out = narrate(dir.path())
        .args([
            "s.txt",
            "--rate",
            "200",
            "--noise-scale",
            "0",
            "--dump-config",
        ])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("rate = 200"), "{text}");
    assert!(text.contains("voice = \"en-gb\""), "{text}");
    assert!(text.contains("noise-scale = 0.0"), "{text}");
    assert!(text.contains("noise-w = 0.5"), "{text}");
}

/// `narrate text` with its standard output going to `stdout`: its exit code and stderr.
fn text_into(stdout: std::process::Stdio) -> (Option<i32>, String) {
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("narrate"))
        .current_dir(root())
        .args(["text", "script/essay.txt"])
        .stdout(stdout)
        .stderr(std::process::Stdio::piped())
        .output()
        .expect("run");
    (out.status.code(), stderr(&out))
}

#[test]
fn text_into_a_full_disk_is_an_error_naming_standard_output() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let (code, err) = text_into(full.into());
    assert_eq!(code, Some(6), "{err}");
    assert!(err.contains("standard output: cannot write"), "{err}");
    // The cause is in the message; the chain does not say it again.
    assert_eq!(err.matches("No space left").count(), 1, "{err}");
}

#[test]
fn text_into_a_closed_pipe_ends_quietly() {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let (code, err) = text_into(writer.into());
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(err, "");
}
