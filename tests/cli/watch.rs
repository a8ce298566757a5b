//! `narrate watch`: renders at once, then again after a save, saying what changed.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::wavs;

/// Polls `cond` every 50 ms for at most `limit`.
fn wait_for(limit: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

#[test]
fn watch_renders_then_rerenders_only_the_edited_paragraph_after_a_save() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = dir.path().join("essay.txt");
    std::fs::write(
        &script,
        "First paragraph stays.\n\nSecond paragraph will change.\n",
    )
    .expect("write");
    let out = dir.path().join("out");
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("narrate"))
        .current_dir(dir.path())
        .args(["watch", "essay.txt", "-o", "out"])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn");
    let manifest = out.join(".narrate/manifest.json");
    let first_done = wait_for(Duration::from_secs(30), || {
        manifest.exists() && wavs(&out).len() == 2
    });
    let first = wavs(&out);
    let untouched = std::fs::metadata(&first[0]).and_then(|m| m.modified()).ok();
    let before = std::fs::read(&manifest).unwrap_or_default();
    std::thread::sleep(Duration::from_millis(500));
    std::fs::write(
        &script,
        "First paragraph stays.\n\nSecond paragraph has changed.\n",
    )
    .expect("write");
    let second_done = wait_for(Duration::from_secs(30), || {
        std::fs::read(&manifest).is_ok_and(|m| m != before)
    });
    let _ = child.kill();
    let _ = child.wait();
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut err);
    }
    assert!(first_done, "no first render: {err}");
    assert!(second_done, "no render after the save: {err}");
    assert!(err.contains("changed: "), "{err}");
    assert!(
        err.contains("wrote 02-second-paragraph-has-changed.wav (1 sentences spoken)"),
        "{err}"
    );
    assert_eq!(
        wavs(&out).len(),
        2,
        "the old second file is replaced, not kept"
    );
    assert_eq!(
        std::fs::metadata(&first[0]).and_then(|m| m.modified()).ok(),
        untouched
    );
}
