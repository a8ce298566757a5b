//! Settings: one name for a flag, its narrate.toml key and its variable; an error names
//! where the bad value came from, with the exit code of its class; `--dump-config` prints
//! a narrate.toml that gives the same settings back.

use std::path::Path;
use std::process::Output;

use crate::common::{narrate, root, stderr, stdout};

const USAGE: i32 = 2;
const INPUT: i32 = 3;

/// A folder with a one-sentence script `s.txt` and, if given, `narrate.toml`.
fn scratch(toml: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("s.txt"), "Hello there.\n").expect("write");
    if let Some(toml) = toml {
        std::fs::write(dir.path().join("narrate.toml"), toml).expect("write");
    }
    dir
}

/// Checks a refusal: the exit code, a message naming `names` (and not `not`), once.
fn refused(out: &Output, code: i32, names: &str, not: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(code), "{err}");
    assert!(err.starts_with("narrate: error: "), "{err}");
    assert!(err.contains(names), "{err:?} does not name {names:?}");
    assert!(!err.contains(not), "{err:?} names {not:?}");
}

#[test]
fn a_bad_flag_value_names_the_flag_and_is_bad_usage() {
    let out_dir = tempfile::tempdir().expect("tempdir");
    let out = out_dir.path().join("out");
    for (flag, value, message) in [
        (
            "--rate",
            "20",
            "--rate: rate 20 is outside 80-450 words per minute",
        ),
        ("--pitch", "150", "--pitch: pitch 150 is outside 0-100"),
        ("--noise-w", "3", "--noise-w: noise-w 3 is outside 0-2"),
        (
            "--head",
            "20000",
            "--head: head of 20000 ms is longer than 10 s",
        ),
    ] {
        let o = narrate(&root())
            .args(["script/essay.txt", flag, value, "-o"])
            .arg(&out)
            .output()
            .expect("run");
        refused(&o, USAGE, message, "narrate.toml");
    }
    assert!(!out.exists(), "nothing written");
}

#[test]
fn a_bad_variable_value_names_the_variable_and_is_bad_usage() {
    let dir = scratch(None);
    let o = narrate(dir.path())
        .arg("s.txt")
        .env("NARRATE_RATE", "20")
        .output()
        .expect("run");
    refused(
        &o,
        USAGE,
        "NARRATE_RATE: rate 20 is outside",
        "narrate.toml",
    );
    let o = narrate(dir.path())
        .arg("voices")
        .env("NARRATE_ENGINE", "festival")
        .output()
        .expect("run");
    refused(&o, USAGE, "NARRATE_ENGINE: engine \"festival\"", "--engine");
    // A flag wins over its variable, which is then not looked at.
    let o = narrate(dir.path())
        .args(["s.txt", "--rate", "200", "--dump-config"])
        .env("NARRATE_RATE", "20")
        .output()
        .expect("run");
    assert!(stdout(&o).contains("\nrate = 200\n"), "{}", stderr(&o));
    assert!(!dir.path().join("output").exists(), "nothing written");
}

#[test]
fn plan_blames_the_bit_rate_flag_not_the_script() {
    let o = narrate(&root())
        .args(["plan", "script/essay.txt", "--bitrate", "100"])
        .output()
        .expect("run");
    refused(
        &o,
        USAGE,
        "--bitrate: MP3 at 44100 Hz cannot be 100 kbps",
        "essay.txt",
    );
}

#[test]
fn a_bad_value_in_narrate_toml_names_the_file_and_line() {
    let dir = scratch(Some("voice = \"en-gb\"\n\nrate = 20\n"));
    let o = narrate(dir.path()).arg("s.txt").output().expect("run");
    refused(
        &o,
        INPUT,
        "narrate.toml: line 3: rate 20 is outside 80-450 words per minute",
        "--rate",
    );
    let dir = scratch(Some("sample-rate = 44100\nbitrate = 100\n"));
    let o = narrate(dir.path()).arg("s.txt").output().expect("run");
    refused(&o, INPUT, "narrate.toml: line 2: MP3 at 44100 Hz", "s.txt:");
    assert!(!dir.path().join("output").exists(), "nothing written");
}

#[test]
fn the_bit_rates_are_the_ones_audio_mp3_encodes() {
    let dir = scratch(None);
    let dump = |args: &[&str]| {
        narrate(dir.path())
            .arg("s.txt")
            .args(args)
            .arg("--dump-config")
            .output()
            .expect("run")
    };
    // 56 kbps is an MPEG-1 Layer III rate; settings used to refuse it.
    let o = dump(&["--bitrate", "56"]);
    assert!(stdout(&o).contains("\nbitrate = 56\n"), "{}", stderr(&o));
    let o = dump(&["--sample-rate", "22050", "--bitrate", "144"]);
    assert!(stdout(&o).contains("\nbitrate = 144\n"), "{}", stderr(&o));
    let o = dump(&["--sample-rate", "22050", "--bitrate", "192"]);
    refused(
        &o,
        USAGE,
        "--bitrate: MP3 at 22050 Hz cannot be 192 kbps",
        "s.txt",
    );
    let o = dump(&["--sample-rate", "44000"]);
    refused(&o, USAGE, "--sample-rate: MP3 cannot be 44000 Hz", "s.txt");
}

#[test]
fn dump_config_saved_as_narrate_toml_gives_the_same_settings() {
    let dir = scratch(Some("title = \"Hello\"\nnoise-w = 0.5\n"));
    let first = narrate(dir.path())
        .args([
            "s.txt",
            "--voice",
            "en-gb",
            "--rate",
            "200",
            "--sentence-pause",
            "400",
        ])
        .args([
            "--no-epub",
            "--no-lexicon",
            "--bitrate",
            "96",
            "--dump-config",
        ])
        .output()
        .expect("run");
    assert!(first.status.success(), "{}", stderr(&first));
    let text = stdout(&first);
    for line in [
        "voice = \"en-gb\"",
        "rate = 200",
        "sentence-pause = 400",
        "epub = false",
    ] {
        assert!(text.contains(&format!("\n{line}\n")), "{line}: {text}");
    }
    for line in ["lexicon = false", "title = \"Hello\"", "noise-w = 0.5"] {
        assert!(text.contains(&format!("\n{line}\n")), "{line}: {text}");
    }

    // Saved beside the script, with no flags: the same settings.
    std::fs::write(dir.path().join("narrate.toml"), &text).expect("write");
    let again = narrate(dir.path())
        .args(["s.txt", "--dump-config"])
        .output()
        .expect("run");
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(stdout(&again), text);

    // Saved anywhere and named with --config: paths are absolute, so the same again.
    std::fs::create_dir(dir.path().join("elsewhere")).expect("mkdir");
    let saved = dir.path().join("elsewhere/saved.toml");
    std::fs::write(&saved, &text).expect("write");
    std::fs::remove_file(dir.path().join("narrate.toml")).expect("rm");
    let o = narrate(dir.path())
        .args(["s.txt", "--dump-config", "--config"])
        .arg(&saved)
        .output()
        .expect("run");
    assert_eq!(stdout(&o), text, "{}", stderr(&o));

    // And narrate runs with it: the episode at 96 kbps, no EPUB.
    let o = narrate(dir.path())
        .args(["s.txt", "-q", "--config"])
        .arg(&saved)
        .output()
        .expect("run");
    assert!(o.status.success(), "{}", stderr(&o));
    let out = dir.path().join("output");
    assert!(out.join("episode.mp3").is_file());
    assert!(!out.join("narration.epub").exists());
    assert_eq!(mp3_kbps(&out.join("episode.mp3")), 96);
}

/// The bit rate of an MP3 as ffprobe reads it, in kbps.
fn mp3_kbps(path: &Path) -> u64 {
    let out = std::process::Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_entries",
            "stream=bit_rate",
            "-of",
            "csv=p=0",
        ])
        .arg(path)
        .output()
        .expect("ffprobe runs (scripts/setup --test installs it)");
    let text = String::from_utf8_lossy(&out.stdout);
    text.trim().parse::<u64>().expect("a bit rate") / 1000
}

#[test]
fn narrate_toml_takes_the_flags_names_and_the_earlier_spellings() {
    let dir = scratch(Some(
        "sentence-pause = 350\nhead-ms = 100\ntail = 700\nepisode = false\nlexicon = false\n",
    ));
    std::fs::write(dir.path().join("lexicon.toml"), "").expect("write");
    let o = narrate(dir.path())
        .args(["s.txt", "--dump-config"])
        .output()
        .expect("run");
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    for line in [
        "sentence-pause = 350",
        "head = 100",
        "tail = 700",
        "episode = false",
        "lexicon = false",
    ] {
        assert!(text.contains(&format!("\n{line}\n")), "{line}: {text}");
    }
}
