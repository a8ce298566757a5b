//! Regeneration with the real engine: a second run does nothing, edits cost only what
//! changed, a clean build equals an incremental one, a killed run leaves nothing broken,
//! and two runs never share an output folder.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::common::{narrate, scratch_with_sample, snapshot, stderr, wavs};

fn run(dir: &Path, script: &Path, out: &Path) -> String {
    let o = narrate(dir)
        .arg(script)
        .arg("-o")
        .arg(out)
        .output()
        .expect("run");
    assert!(o.status.success(), "{}", stderr(&o));
    stderr(&o)
}

/// (synthesized, from cache) from the summary.
fn counts(summary: &str) -> (usize, usize) {
    let line = summary
        .lines()
        .find(|l| l.contains("synthesized"))
        .expect("summary");
    let words: Vec<&str> = line.split_whitespace().collect();
    let n = |w: &str| -> usize {
        let i = words.iter().position(|x| x.starts_with(w)).expect(w);
        words[i - 1].parse().expect("number")
    };
    (
        n("synthesized"),
        words[words.iter().position(|&x| x == "from").expect("from") - 1]
            .parse()
            .expect("n"),
    )
}

#[test]
fn second_run_synthesizes_and_rewrites_nothing() {
    let (dir, script) = scratch_with_sample();
    let out = dir.path().join("out");
    run(dir.path(), &script, &out);
    let before = snapshot(&out);
    let mtimes: Vec<_> = wavs(&out)
        .iter()
        .map(|f| {
            std::fs::metadata(f)
                .and_then(|m| m.modified())
                .expect("mtime")
        })
        .collect();
    let summary = run(dir.path(), &script, &out);
    assert_eq!(counts(&summary).0, 0, "{summary}");
    assert_eq!(snapshot(&out), before);
    let after: Vec<_> = wavs(&out)
        .iter()
        .map(|f| {
            std::fs::metadata(f)
                .and_then(|m| m.modified())
                .expect("mtime")
        })
        .collect();
    assert_eq!(mtimes, after);
}

#[test]
fn one_word_edit_resynthesizes_one_sentence_and_equals_a_clean_build() {
    let (dir, script) = scratch_with_sample();
    let out = dir.path().join("out");
    run(dir.path(), &script, &out);
    let text = std::fs::read_to_string(&script).expect("read");
    let edited = text.replace(
        "The genie cannot be put back",
        "The genie can never be put back",
    );
    assert_ne!(text, edited);
    std::fs::write(&script, &edited).expect("write");
    let summary = run(dir.path(), &script, &out);
    assert_eq!(counts(&summary).0, 1, "{summary}");

    let clean = dir.path().join("clean");
    run(dir.path(), &script, &clean);
    let (a, b) = (snapshot(&out), snapshot(&clean));
    assert_eq!(a.len(), b.len());
    for ((na, ba), (nb, bb)) in a.iter().zip(&b) {
        assert_eq!(na, nb);
        assert!(ba == bb, "{na}: incremental and clean builds differ");
    }
}

#[test]
fn a_second_narrate_on_the_same_folder_is_refused_while_the_first_holds_the_lock() {
    let (dir, script) = scratch_with_sample();
    let out = dir.path().join("out");
    std::fs::create_dir_all(out.join(".narrate")).expect("mkdir");
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(out.join(".narrate/lock"))
        .expect("lock file");
    lock.lock()
        .expect("hold the lock as a running narrate would");
    let o = narrate(dir.path())
        .arg(&script)
        .arg("-o")
        .arg(&out)
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(7), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("another narrate is writing"),
        "{}",
        stderr(&o)
    );
    assert!(wavs(&out).is_empty());
    drop(lock);
    run(dir.path(), &script, &out);
    assert_eq!(wavs(&out).len(), 13);
}

/// A quiet narrate of `script` into `out`, running in the background; stderr is piped.
fn spawn(dir: &Path, script: &Path, out: &Path) -> std::process::Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("narrate"))
        .current_dir(dir)
        .arg(script)
        .arg("-o")
        .arg(out)
        .arg("-q")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn")
}

#[test]
fn killed_at_any_moment_then_rerun_gives_the_uninterrupted_result() {
    let (dir, script) = scratch_with_sample();
    let reference = dir.path().join("reference");
    run(dir.path(), &script, &reference);
    let expected = snapshot(&reference);

    for (i, delay_ms) in [5u64, 40, 120, 250, 400].into_iter().enumerate() {
        let out = dir.path().join(format!("killed-{i}"));
        let mut child = spawn(dir.path(), &script, &out);
        let start = Instant::now();
        while start.elapsed() < Duration::from_millis(delay_ms) {
            std::thread::sleep(Duration::from_millis(1));
        }
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        // Whatever was left: every WAV present is complete and readable.
        if out.exists() {
            for f in wavs(&out) {
                hound::WavReader::open(&f)
                    .and_then(|r| r.into_samples::<i16>().collect::<Result<Vec<_>, _>>())
                    .unwrap_or_else(|e| {
                        panic!("{f:?} left broken after kill at {delay_ms} ms: {e}")
                    });
            }
        }
        run(dir.path(), &script, &out);
        let got = snapshot(&out);
        assert_eq!(
            got.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            expected.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            "kill at {delay_ms} ms"
        );
        for ((n, a), (_, b)) in got.iter().zip(&expected) {
            assert!(a == b, "{n} differs after a kill at {delay_ms} ms");
        }
        assert_eq!(
            std::fs::read_dir(out.join(".narrate/tmp"))
                .expect("tmp")
                .count(),
            0
        );
    }
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_with_130_and_leaves_no_partial_episode() {
    let (dir, script) = scratch_with_sample();
    let reference = dir.path().join("reference");
    run(dir.path(), &script, &reference);
    let expected = snapshot(&reference);

    let mut interrupted = 0;
    for (i, delay_ms) in [60u64, 200, 500].into_iter().enumerate() {
        let out = dir.path().join(format!("stopped-{i}"));
        let child = spawn(dir.path(), &script, &out);
        std::thread::sleep(Duration::from_millis(delay_ms));
        // SAFETY: plain kill(2) on our own child's pid.
        unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
        let o = child.wait_with_output().expect("wait");
        // SIGINT in the first milliseconds, before narrate's handler is installed, ends the
        // process by the signal, which is as good: nothing was being written yet.
        let by_signal =
            std::os::unix::process::ExitStatusExt::signal(&o.status) == Some(libc::SIGINT);
        if o.status.code() == Some(130) || by_signal {
            interrupted += usize::from(o.status.code() == Some(130));
            // The episode is complete or absent, never a fragment; no temporary file stays.
            assert!(!out.join("episode.mp3").exists(), "{delay_ms} ms");
            assert!(!out.join("episode.wav").exists(), "{delay_ms} ms");
            if out.join(".narrate/tmp").exists() {
                let left: Vec<_> = std::fs::read_dir(out.join(".narrate/tmp"))
                    .expect("tmp")
                    .collect();
                assert!(left.is_empty(), "{delay_ms} ms: {left:?} left in tmp");
            }
        } else {
            // Finished before the signal came.
            assert_eq!(o.status.code(), Some(0), "{delay_ms} ms: {}", stderr(&o));
        }
        run(dir.path(), &script, &out);
        let got = snapshot(&out);
        assert_eq!(got.len(), expected.len(), "after Ctrl-C at {delay_ms} ms");
        for ((n, a), (m, b)) in got.iter().zip(&expected) {
            assert_eq!(n, m);
            assert!(a == b, "{n} differs after Ctrl-C at {delay_ms} ms");
        }
    }
    assert!(interrupted > 0, "no run stopped with code 130");
}

#[test]
fn deleted_paragraph_renumbers_without_synthesis_and_removes_only_narrates_files() {
    let (dir, script) = scratch_with_sample();
    let out = dir.path().join("out");
    run(dir.path(), &script, &out);
    std::fs::write(out.join("99-my-own-take.wav"), b"mine").expect("write");
    let text = std::fs::read_to_string(&script).expect("read");
    let lines: Vec<&str> = text.lines().collect();
    let without_third: String = lines
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 3)
        .map(|(_, l)| format!("{l}\n"))
        .collect();
    std::fs::write(&script, without_third).expect("write");
    let summary = run(dir.path(), &script, &out);
    assert_eq!(counts(&summary).0, 0, "{summary}");
    let names: Vec<String> = wavs(&out)
        .iter()
        .map(|p| p.file_name().expect("n").to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names.len(),
        13,
        "12 paragraphs and the user's file: {names:?}"
    );
    assert!(names.contains(&"99-my-own-take.wav".to_owned()));
}

/// The listings and episode lines of `narrate plan` with `args`.
fn plan_says(dir: &Path, script: &Path, out: &Path, args: &[&str]) -> (String, String) {
    let o = narrate(dir)
        .arg("plan")
        .arg(script)
        .arg("-o")
        .arg(out)
        .args(args)
        .output()
        .expect("run");
    assert!(o.status.success(), "{}", stderr(&o));
    let text = crate::common::stdout(&o);
    let line = |prefix: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(prefix))
            .unwrap_or_else(|| panic!("no {prefix} line in {text}"))
            .to_owned()
    };
    (line("listings: "), line("episode: "))
}

#[test]
fn plan_counts_in_the_singular_when_there_is_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = dir.path().join("one.txt");
    std::fs::write(&script, "A single sentence.\n").expect("write");
    let out = dir.path().join("out");
    let o = narrate(dir.path())
        .arg("plan")
        .arg(&script)
        .arg("-o")
        .arg(&out)
        .output()
        .expect("run");
    let text = crate::common::stdout(&o);
    assert!(
        text.contains("1 paragraph: 1 sentence to synthesize, 0 files to remove"),
        "{text}"
    );
}

#[test]
fn plan_says_whether_the_listings_and_the_episode_would_be_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = dir.path().join("talk.txt");
    std::fs::write(&script, "A first paragraph.\n\nA second one, short too.\n").expect("write");
    let out = dir.path().join("out");
    let (listings, episode) = plan_says(dir.path(), &script, &out, &[]);
    assert!(listings.starts_with("write all "), "{listings}");
    assert!(episode.starts_with("write "), "{episode}");

    run(dir.path(), &script, &out);
    let (listings, episode) = plan_says(dir.path(), &script, &out, &[]);
    assert_eq!(listings, "keep all  (unchanged)");
    assert_eq!(episode, "keep  (unchanged)");

    // A new title reaches the listings that name the program, and the episode's tags.
    let toml = dir.path().join("narrate.toml");
    std::fs::write(&toml, "title = \"Another\"\n").expect("write");
    let (listings, episode) = plan_says(dir.path(), &script, &out, &[]);
    std::fs::remove_file(&toml).expect("rm");
    assert!(
        listings.starts_with("write ") && listings.contains("chapters.json"),
        "{listings}"
    );
    assert!(!listings.contains("transcript.vtt"), "{listings}");
    assert!(episode.starts_with("write "), "{episode}");
    let (_, episode) = plan_says(dir.path(), &script, &out, &["--no-episode"]);
    assert!(episode.starts_with("none "), "{episode}");

    std::fs::remove_file(out.join("captions.srt")).expect("rm");
    let (listings, episode) = plan_says(dir.path(), &script, &out, &[]);
    assert_eq!(listings, "write captions.srt  (changed or missing)");
    assert_eq!(episode, "keep  (unchanged)");
    let err = run(dir.path(), &script, &out);
    assert!(
        err.contains(", unchanged"),
        "the run keeps the episode: {err}"
    );
    assert!(out.join("captions.srt").is_file());

    std::fs::write(&script, "A first paragraph.\n\nA second one, edited.\n").expect("write");
    let (listings, episode) = plan_says(dir.path(), &script, &out, &[]);
    assert!(listings.starts_with("write all "), "{listings}");
    assert!(episode.starts_with("write "), "{episode}");
}
