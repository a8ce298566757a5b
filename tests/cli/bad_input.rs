//! Bad input: a clear one-line message naming the file (and line or offset), the documented
//! exit code, and the output folder left exactly as it was.

use std::path::Path;

use crate::common::{narrate, snapshot, stderr, stdout};

const USAGE: i32 = 2;
const INPUT: i32 = 3;
const ENGINE: i32 = 4;
const OUTPUT: i32 = 6;

/// Runs narrate on `script` into an output folder holding a file of the user's; checks the
/// exit code, that the message contains every `expect`, and that the folder is untouched.
fn fails(dir: &Path, script: &Path, code: i32, expect: &[&str]) {
    let out_dir = dir.join("out");
    std::fs::create_dir_all(&out_dir).expect("mkdir");
    std::fs::write(out_dir.join("keep-me.wav"), b"the user's own file").expect("write");
    let before = snapshot(&out_dir);
    let out = narrate(dir)
        .arg(script)
        .arg("-o")
        .arg(&out_dir)
        .output()
        .expect("run");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(code), "{err}");
    for e in expect {
        assert!(err.contains(e), "{err:?} lacks {e:?}");
    }
    assert_eq!(
        err.lines()
            .filter(|l| l.starts_with("narrate: error"))
            .count(),
        1,
        "{err}"
    );
    assert_eq!(snapshot(&out_dir), before, "output folder changed");
    assert!(
        !out_dir.join(".narrate").exists(),
        "state created for a failed input"
    );
}

#[test]
fn missing_script() {
    let dir = tempfile::tempdir().expect("tempdir");
    fails(
        dir.path(),
        &dir.path().join("nope.txt"),
        INPUT,
        &[
            "nope.txt",
            "no such file",
            "\n  hint: ",
            "`-` reads standard input",
        ],
    );
}

#[test]
fn missing_default_script_says_how_to_name_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = narrate(dir.path()).output().expect("run");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(INPUT), "{err}");
    assert!(
        err.starts_with("narrate: error: script/essay.txt: no such file\n  hint: "),
        "{err}"
    );
    assert!(err.contains("narrate my-essay.md"), "{err}");
    assert!(!dir.path().join("output").exists(), "{err}");
}

#[test]
fn missing_script_suggests_the_same_name_with_another_extension() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("talk.md"), "# Talk\n\nHello.\n").expect("write");
    fails(
        dir.path(),
        Path::new("talk.txt"),
        INPUT,
        &["talk.txt: no such file", "hint: did you mean talk.md?"],
    );
}

#[test]
fn directory_instead_of_script() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("folder.txt")).expect("mkdir");
    fails(
        dir.path(),
        &dir.path().join("folder.txt"),
        INPUT,
        &["folder.txt", "is a directory"],
    );
}

#[test]
fn invalid_utf8_names_line_and_byte_offset() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = dir.path().join("latin1.txt");
    std::fs::write(&script, b"Fine first line.\nCaf\xe9 au lait.\n").expect("write");
    fails(
        dir.path(),
        &script,
        INPUT,
        &["latin1.txt:2:", "not valid UTF-8", "byte offset 20"],
    );
}

#[test]
fn binary_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = dir.path().join("image.txt");
    std::fs::write(&script, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").expect("write");
    fails(dir.path(), &script, INPUT, &["image.txt", "binary"]);
}

#[test]
fn script_with_nothing_speakable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = dir.path().join("empty.md");
    std::fs::write(&script, "![]() |\n\n---\n\n***\n").expect("write");
    fails(
        dir.path(),
        &script,
        INPUT,
        &["empty.md", "nothing to narrate"],
    );
}

#[test]
fn unknown_voice_is_an_engine_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = dir.path().join("s.txt");
    std::fs::write(&script, "Hello there.\n").expect("write");
    let out = narrate(dir.path())
        .arg(&script)
        .args(["--voice", "xx-nonexistent", "-o"])
        .arg(dir.path().join("out"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(ENGINE), "{}", stderr(&out));
    assert!(stderr(&out).contains("xx-nonexistent"), "{}", stderr(&out));
    // Refused before anything was written: not even the output folder is left behind.
    assert!(!dir.path().join("out").exists());
}

#[test]
fn unknown_key_in_narrate_toml_names_file_and_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("s.txt"), "Hello there.\n").expect("write");
    std::fs::write(
        dir.path().join("narrate.toml"),
        "rate = 160\nvoise = \"en-gb\"\n",
    )
    .expect("write");
    fails(
        dir.path(),
        &dir.path().join("s.txt"),
        INPUT,
        &["narrate.toml", "line 2", "voise"],
    );
}

#[test]
fn out_of_range_rate_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("s.txt"), "Hello there.\n").expect("write");
    let out = narrate(dir.path())
        .args(["s.txt", "--rate", "5"])
        .output()
        .expect("run");
    // A flag's value: bad usage, naming the flag.
    assert_eq!(out.status.code(), Some(USAGE));
    assert!(stderr(&out).contains("--rate: rate 5"), "{}", stderr(&out));
}

#[test]
fn out_of_range_noise_is_refused_from_flags_and_narrate_toml() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("s.txt"), "Hello there.\n").expect("write");
    let out = narrate(dir.path())
        .args(["s.txt", "--noise-scale", "3"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(USAGE));
    assert!(
        stderr(&out).contains("noise-scale 3 is outside 0-2"),
        "{}",
        stderr(&out)
    );
    std::fs::write(dir.path().join("narrate.toml"), "noise-w = -1\n").expect("write");
    let out = narrate(dir.path()).arg("s.txt").output().expect("run");
    assert_eq!(out.status.code(), Some(INPUT));
    let err = stderr(&out);
    assert!(
        err.contains("narrate.toml") && err.contains("noise-w -1"),
        "{err}"
    );
    assert!(!dir.path().join("output").exists(), "nothing written");
}

#[test]
fn a_file_narrate_did_not_write_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = dir.path().join("short.txt");
    std::fs::write(&script, "A short script. It has two sentences.\n").expect("write");
    let out_dir = dir.path().join("out");
    std::fs::create_dir_all(&out_dir).expect("mkdir");
    std::fs::write(
        out_dir.join("chapters.txt"),
        b"the user's own chapter notes",
    )
    .expect("write");
    fails(
        dir.path(),
        &script,
        OUTPUT,
        &[
            "chapters.txt",
            "narrate did not write it",
            "will not replace it",
        ],
    );
    // `narrate plan` says so too, with the same exit code.
    let out = narrate(dir.path())
        .arg("plan")
        .arg(&script)
        .arg("-o")
        .arg(&out_dir)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(OUTPUT), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("refuse    chapters.txt"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_paragraph_too_long_for_a_wav_file_is_refused_before_any_speech() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = dir.path().join("book.txt");
    // A short paragraph, then one of 1.3 MB: 240,000 words at 100 words a minute and
    // 40,000 sentence pauses come to 43 hours, past the 27 a 16-bit WAV file holds at
    // 22,050 Hz.
    let long = "Words of a very long paragraph. ".repeat(40_000);
    std::fs::write(&script, format!("A short one.\n\n{long}\n")).expect("write");
    let out_dir = dir.path().join("out");
    let out = narrate(dir.path())
        .arg(&script)
        .args(["--rate", "100", "-o"])
        .arg(&out_dir)
        .output()
        .expect("run");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(INPUT), "{err}");
    assert!(
        err.contains("book.txt:3: paragraph 2 would be about 43 h of audio"),
        "{err}"
    );
    assert!(err.contains("split it into shorter paragraphs"), "{err}");
    assert!(!out_dir.exists(), "nothing written, nothing spoken: {err}");
}
