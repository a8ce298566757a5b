//! `narrate watch`: renders at once, then again after a save, saying what changed.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
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

/// What the child writes to stderr, collected as it comes.
fn collect(stderr: impl Read + Send + 'static) -> Arc<Mutex<String>> {
    let text = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&text);
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let mut text = sink.lock().unwrap_or_else(PoisonError::into_inner);
            text.push_str(&line);
            text.push('\n');
        }
    });
    text
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
    let err = collect(child.stderr.take().expect("stderr"));
    let text = || err.lock().unwrap_or_else(PoisonError::into_inner).clone();
    let first_done = wait_for(Duration::from_secs(30), || text().contains("watching"));
    let first = wavs(&out);
    let untouched = std::fs::metadata(&first[0]).and_then(|m| m.modified()).ok();
    // narrate's own reading of the script, and a save that changes nothing, start no run.
    std::thread::sleep(Duration::from_millis(800));
    let now = std::time::SystemTime::now();
    std::fs::File::options()
        .write(true)
        .open(&script)
        .and_then(|f| f.set_modified(now))
        .expect("touch");
    std::thread::sleep(Duration::from_millis(800));
    let idle = text();
    std::fs::write(
        &script,
        "First paragraph stays.\n\nSecond paragraph has changed.\n",
    )
    .expect("write");
    let second_done = wait_for(Duration::from_secs(30), || {
        text().matches("narrated ").count() >= 2
    });
    let _ = child.kill();
    let _ = child.wait();
    let err = text();
    assert!(first_done, "no first render: {err}");
    assert_eq!(wavs(&out).len(), 2, "{err}");
    assert!(
        !idle.contains("changed: "),
        "a run without a change: {idle}"
    );
    assert!(second_done, "no render after the save: {err}");
    assert!(err.contains("changed: essay.txt"), "{err}");
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

#[test]
fn watch_waits_for_a_save_written_in_pieces() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = dir.path().join("essay.txt");
    let three = "One stays here.\n\nTwo stays too.\n\nThree is the last paragraph of this script. It ends.\n";
    std::fs::write(&script, three).expect("write");
    let out = dir.path().join("out");
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("narrate"))
        .current_dir(dir.path())
        .args(["watch", "essay.txt", "-o", "out"])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn");
    let err = collect(child.stderr.take().expect("stderr"));
    let text = || err.lock().unwrap_or_else(PoisonError::into_inner).clone();
    let first_done = wait_for(Duration::from_secs(30), || text().contains("watching"));
    std::thread::sleep(Duration::from_millis(500));
    // A program that truncates, writes a part, pauses, writes the rest.
    let edited =
        "One stays here.\n\nTwo stays too.\n\nThree is the last paragraph of this script. It ends now.\n";
    // Cut inside paragraph two: narrated half-written, paragraph three's file would go.
    let (head, tail) = edited.split_at(22);
    {
        use std::io::Write;
        let mut file = std::fs::File::create(&script).expect("truncate");
        file.write_all(head.as_bytes()).expect("write");
        file.flush().expect("flush");
        std::thread::sleep(Duration::from_millis(200));
        file.write_all(tail.as_bytes()).expect("write");
    }
    let second_done = wait_for(Duration::from_secs(30), || {
        text().matches("narrated ").count() >= 2
    });
    // Time for a run on a half-written file to show, if there were one.
    std::thread::sleep(Duration::from_millis(1500));
    let _ = child.kill();
    let _ = child.wait();
    let err = text();
    assert!(first_done && second_done, "{err}");
    assert_eq!(
        err.matches("narrated ").count(),
        2,
        "one run per save: {err}"
    );
    assert!(
        !err.contains("removed"),
        "a half-written script was narrated: {err}"
    );
    assert!(
        err.contains("wrote 03-three-is-the-last-paragraph-of-this.wav (1 sentences spoken)"),
        "{err}"
    );
    assert_eq!(wavs(&out).len(), 3, "{err}");
}
