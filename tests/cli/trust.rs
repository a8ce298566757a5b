//! Regeneration that trusts nothing it finds: the real binary stopped at the moments that
//! matter (a debug build's `NARRATE_TEST_KILL_AT` and `NARRATE_TEST_INTERRUPT_AT`, see
//! src/checkpoint.rs), then run again, must give what a clean build gives.

use std::path::Path;

use crate::common::{narrate, sample_output, sample_script, snapshot, stderr, stdout};

/// The sample and its lexicon copied into a fresh folder; returns (folder, script).
fn scratch() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = dir.path().join("essay.txt");
    std::fs::copy(sample_script(), &script).expect("copy");
    let lexicon = sample_script().with_file_name("lexicon.toml");
    std::fs::copy(lexicon, dir.path().join("lexicon.toml")).expect("copy");
    (dir, script)
}

/// A quiet narrate of `script` into `out` with `args`; its output.
fn run(script: &Path, out: &Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = narrate(script.parent().expect("folder"));
    // As the shared sample output is built: with episode.wav, the most files to get right.
    cmd.arg(script)
        .arg("-o")
        .arg(out)
        .arg("-q")
        .arg("--episode-wav")
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run")
}

/// Asserts that `out` holds exactly what the clean build of the sample holds.
fn assert_equals_the_clean_sample(out: &Path, when: &str) {
    let (clean, _) = sample_output();
    let (got, expected) = (snapshot(out), snapshot(clean));
    let names = |v: &[(String, Vec<u8>)]| v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&got), names(&expected), "{when}");
    for ((name, a), (_, b)) in got.iter().zip(&expected) {
        assert!(a == b, "{when}: {name} differs from a clean build");
    }
}

#[cfg(unix)]
fn killed(o: &std::process::Output) -> bool {
    std::os::unix::process::ExitStatusExt::signal(&o.status) == Some(9)
}

#[cfg(unix)]
#[test]
fn an_edit_killed_after_its_file_was_placed_then_undone_gives_the_clean_build() {
    let (dir, script) = scratch();
    let out = dir.path().join("out");
    assert!(run(&script, &out, &[], &[]).status.success());
    let text = std::fs::read_to_string(&script).expect("read");
    let edited = text.replacen("conciliatory", "friendly", 1);
    assert_ne!(edited, text);
    std::fs::write(&script, &edited).expect("edit");
    let o = run(&script, &out, &[], &[("NARRATE_TEST_KILL_AT", "placed")]);
    assert!(
        killed(&o),
        "killed as it placed the edited paragraph: {o:?}"
    );
    std::fs::write(&script, &text).expect("undo");
    let o = run(&script, &out, &[], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_equals_the_clean_sample(&out, "after kill and undo");
}

#[cfg(unix)]
#[test]
fn a_run_at_another_rate_killed_before_its_manifest_is_not_kept() {
    let (dir, script) = scratch();
    let out = dir.path().join("out");
    assert!(run(&script, &out, &[], &[]).status.success());
    let o = run(
        &script,
        &out,
        &["--rate", "300"],
        &[("NARRATE_TEST_KILL_AT", "before-commit")],
    );
    assert!(killed(&o), "killed with every file placed: {o:?}");
    let o = run(&script, &out, &[], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_equals_the_clean_sample(&out, "after a killed run at --rate 300");
}

#[test]
fn ctrl_c_at_the_very_end_still_exits_130() {
    let (dir, script) = scratch();
    let out = dir.path().join("out");
    let o = run(
        &script,
        &out,
        &[],
        &[("NARRATE_TEST_INTERRUPT_AT", "after-commit")],
    );
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    assert!(stderr(&o).contains("interrupted"), "{}", stderr(&o));
    // Everything it wrote is complete and recorded: the next run has nothing to do.
    let o = narrate(dir.path())
        .arg(&script)
        .arg("-o")
        .arg(&out)
        .arg("--episode-wav")
        .output()
        .expect("run");
    assert!(
        stderr(&o).contains("0 written, 13 unchanged"),
        "{}",
        stderr(&o)
    );
    assert_equals_the_clean_sample(&out, "after Ctrl-C at the end");
}

#[test]
fn escape_sequences_in_a_script_never_reach_the_terminal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = dir.path().join("evil.txt");
    std::fs::write(
        &script,
        "A title \u{1b}]0;pwned\u{7}here.\n\nRed \u{1b}[31mtext\u{1b}[0m and a \u{9b}2J clear.\n",
    )
    .expect("write");
    for command in ["text", "plan"] {
        let mut cmd = narrate(dir.path());
        cmd.arg(command).arg(&script);
        if command == "plan" {
            cmd.arg("-o").arg(dir.path().join("out"));
        }
        let o = cmd.output().expect("run");
        assert!(o.status.success(), "{command}: {}", stderr(&o));
        let out = stdout(&o);
        assert!(!out.contains('\u{1b}'), "{command}: {out:?}");
        assert!(!out.contains('\u{9b}'), "{command}: {out:?}");
        assert!(out.contains("\\u{1b}]0;pwned"), "{command} shows it: {out}");
    }
}

#[test]
fn verbose_says_each_file_it_writes() {
    let (dir, script) = scratch();
    let o = narrate(dir.path())
        .arg(&script)
        .arg("-o")
        .arg(dir.path().join("out"))
        .arg("-v")
        .output()
        .expect("run");
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert_eq!(err.matches("  wrote ").count(), 13, "{err}");
    assert!(err.contains("wrote 01-"), "{err}");
}

/// A small xorshift generator: the randomized test needs no crate, only reproducibility.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The paragraphs the randomized test edits: short, so a clean build is quick.
const PARAGRAPHS: [&str; 5] = [
    "The talks opened in Geneva on a cold morning. Nobody expected much.",
    "Delegates argued about the agenda for two hours. Then they broke for lunch.",
    "In 1999 the same room held a summit that failed. Its records are still sealed.",
    "By evening a draft existed. It ran to twelve pages, with $3.5 billion in aid.",
    "The final text was signed at midnight. Everyone went home tired.",
];

/// Word swaps an edit makes (each way round).
const SWAPS: [(&str, &str); 6] = [
    ("cold", "bright"),
    ("two hours", "three hours"),
    ("failed", "collapsed"),
    ("twelve", "fourteen"),
    ("midnight", "dawn"),
    ("\u{2014}", "\u{2015}"),
];

/// The state the test moves around: the script's paragraphs and the settings.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct State {
    paragraphs: Vec<String>,
    fast: bool,
    episode: bool,
}

impl State {
    fn text(&self) -> String {
        self.paragraphs.iter().map(|p| format!("{p}\n")).collect()
    }

    fn args(&self) -> Vec<&'static str> {
        let mut args = Vec::new();
        if self.fast {
            args.extend(["--rate", "230"]);
        }
        if !self.episode {
            args.push("--no-episode");
        }
        args
    }

    /// One random change of text or settings.
    fn change(&mut self, rng: &mut Rng) -> String {
        match rng.below(6) {
            0 => {
                self.fast = !self.fast;
                format!("fast = {}", self.fast)
            }
            1 => {
                self.episode = !self.episode;
                format!("episode = {}", self.episode)
            }
            2 if self.paragraphs.len() > 2 => {
                let i = rng.below(self.paragraphs.len());
                let gone = self.paragraphs.remove(i);
                format!("deleted paragraph {i}: {gone}")
            }
            3 => {
                let i = rng.below(self.paragraphs.len() + 1);
                let p = PARAGRAPHS[rng.below(PARAGRAPHS.len())].replace("The", "A later");
                self.paragraphs.insert(i, p);
                format!("inserted paragraph {i}")
            }
            4 if self.paragraphs.len() > 1 => {
                let i = rng.below(self.paragraphs.len() - 1);
                self.paragraphs.swap(i, i + 1);
                format!("swapped paragraphs {i} and {}", i + 1)
            }
            _ => {
                let i = rng.below(self.paragraphs.len());
                let (a, b) = SWAPS[rng.below(SWAPS.len())];
                let p = &mut self.paragraphs[i];
                *p = if p.contains(a) {
                    p.replacen(a, b, 1)
                } else if p.contains(b) {
                    p.replacen(b, a, 1)
                } else {
                    format!("{p} It was \u{2014} quite \u{2014} a day.")
                };
                format!("edited paragraph {i}")
            }
        }
    }
}

/// Files of `out` a clean build of `state` must equal (an episode left by an earlier run
/// stays when the episode is off, by design).
fn comparable(out: &Path, state: &State) -> Vec<(String, Vec<u8>)> {
    snapshot(out)
        .into_iter()
        .filter(|(name, _)| state.episode || !name.starts_with("episode."))
        .collect()
}

/// Damages something under `.narrate/` (or a paragraph file); says what.
fn damage(out: &Path, rng: &mut Rng) -> String {
    let state = out.join(".narrate");
    let mut entries: Vec<std::path::PathBuf> = std::fs::read_dir(state.join("cache"))
        .into_iter()
        .flatten()
        .flatten()
        .flat_map(|shard| {
            std::fs::read_dir(shard.path())
                .into_iter()
                .flatten()
                .flatten()
        })
        .map(|e| e.path())
        .collect();
    entries.sort();
    let wavs = if out.exists() {
        crate::common::wavs(out)
    } else {
        Vec::new()
    };
    let flip = |path: &Path, rng: &mut Rng| {
        if let Ok(mut bytes) = std::fs::read(path) {
            if !bytes.is_empty() {
                let at = rng.below(bytes.len());
                bytes[at] ^= 0x41;
                std::fs::write(path, bytes).expect("damage");
            }
        }
    };
    match rng.below(5) {
        0 if !entries.is_empty() => {
            let entry = &entries[rng.below(entries.len())];
            flip(entry, rng);
            format!("flipped a byte of {}", entry.display())
        }
        1 => {
            let manifest = state.join("manifest.json");
            if let Ok(bytes) = std::fs::read(&manifest) {
                let keep = rng.below(bytes.len().max(1));
                std::fs::write(&manifest, &bytes[..keep]).expect("truncate");
            }
            "truncated the manifest".to_owned()
        }
        2 => {
            flip(&state.join("manifest.json"), rng);
            "flipped a byte of the manifest".to_owned()
        }
        3 if !wavs.is_empty() => {
            let wav = &wavs[rng.below(wavs.len())];
            flip(wav, rng);
            format!("flipped a byte of {}", wav.display())
        }
        _ => {
            flip(&state.join("journal"), rng);
            "flipped a byte of the journal".to_owned()
        }
    }
}

/// Runs narrate on `state` in `dir`, stopped at a random moment the way a user or a crash
/// stops it; says how.
fn interrupted_run(dir: &Path, out: &Path, state: &State, rng: &mut Rng) -> String {
    let script = dir.join("essay.txt");
    std::fs::write(&script, state.text()).expect("write");
    let moments = ["placed", "before-commit", "after-commit"];
    let moment = moments[rng.below(moments.len())];
    let var = if rng.below(2) == 0 {
        "NARRATE_TEST_KILL_AT"
    } else {
        "NARRATE_TEST_INTERRUPT_AT"
    };
    if rng.below(3) == 0 {
        // A real kill after a random delay.
        let delay = 20 + rng.below(400) as u64;
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("narrate"))
            .current_dir(dir)
            .arg(&script)
            .arg("-o")
            .arg(out)
            .arg("-q")
            .args(state.args())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(std::time::Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
        return format!("killed after {delay} ms");
    }
    let o = run(&script, out, &state.args(), &[(var, moment)]);
    format!("{var}={moment}: {:?}", o.status)
}

#[test]
fn random_edits_kills_and_damage_always_end_like_a_clean_build() {
    let seed: u64 = std::env::var("NARRATE_RANDOM_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_261_203);
    let budget = std::time::Duration::from_secs(
        std::env::var("NARRATE_RANDOM_SECONDS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(60),
    );
    let mut rng = Rng(seed | 1);
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let mut state = State {
        paragraphs: PARAGRAPHS.iter().map(|p| (*p).to_owned()).collect(),
        fast: false,
        episode: true,
    };
    let mut history = vec![state.clone()];
    let mut clean_builds: std::collections::HashMap<State, Vec<(String, Vec<u8>)>> =
        std::collections::HashMap::new();
    let mut log = Vec::new();
    let started = std::time::Instant::now();
    let mut steps = 0;
    while started.elapsed() < budget {
        steps += 1;
        let what = match rng.below(4) {
            0 if history.len() > 1 => {
                state = history[rng.below(history.len())].clone();
                "undo to an earlier state".to_owned()
            }
            1 => damage(&out, &mut rng),
            2 => {
                let mut next = state.clone();
                let change = next.change(&mut rng);
                let stopped = interrupted_run(dir.path(), &out, &next, &mut rng);
                if rng.below(2) == 0 {
                    state = next;
                    history.push(state.clone());
                }
                format!("{change}, run stopped ({stopped})")
            }
            _ => {
                let change = state.change(&mut rng);
                history.push(state.clone());
                change
            }
        };
        log.push(format!("step {steps}: {what}"));
        // A normal run must now give exactly what a clean build of the current state gives.
        let script = dir.path().join("essay.txt");
        std::fs::write(&script, state.text()).expect("write");
        let o = run(&script, &out, &state.args(), &[]);
        let trail = || {
            let journal = std::fs::read_to_string(out.join(".narrate/journal")).unwrap_or_default();
            let manifest = std::fs::read_to_string(out.join(".narrate/manifest.json"))
                .map(|m| m.chars().take(3000).collect::<String>())
                .unwrap_or_default();
            format!(
                "{}\njournal:\n{journal}\nmanifest:\n{manifest}",
                log.join("\n")
            )
        };
        assert!(
            o.status.success(),
            "seed {seed}, {}\n{}",
            stderr(&o),
            trail()
        );
        let expected = clean_builds.entry(state.clone()).or_insert_with(|| {
            let clean = tempfile::tempdir().expect("tempdir");
            let o = run(&script, &clean.path().join("out"), &state.args(), &[]);
            assert!(o.status.success(), "clean build: {}", stderr(&o));
            comparable(&clean.path().join("out"), &state)
        });
        let got = comparable(&out, &state);
        let names = |v: &[(String, Vec<u8>)]| v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        assert_eq!(names(&got), names(expected), "seed {seed}\n{}", trail());
        for ((name, a), (_, b)) in got.iter().zip(expected.iter()) {
            assert!(a == b, "seed {seed}: {name} differs\n{}", trail());
        }
    }
    eprintln!(
        "randomized trust test: seed {seed}, {steps} steps in {:?}",
        started.elapsed()
    );
    assert!(steps >= 5, "only {steps} steps in the time budget");
}

#[test]
fn paragraphs_spilled_to_disk_give_the_files_of_paragraphs_kept_in_memory() {
    let (dir, script) = scratch();
    let out = dir.path().join("out");
    // Every paragraph of the sample passes 20,000 samples (0.9 s), so every one goes
    // through the spilled path: measured from disk, normalized and written chunk by chunk.
    let o = run(&script, &out, &[], &[("NARRATE_TEST_SPOOL_LIMIT", "20000")]);
    assert!(o.status.success(), "{}", stderr(&o));
    let tmp = out.join(".narrate/tmp");
    let left: Vec<_> = std::fs::read_dir(&tmp).map_or(Vec::new(), |d| d.collect());
    assert!(
        left.is_empty(),
        "spilled audio is not left behind: {left:?}"
    );
    assert_equals_the_clean_sample(&out, "with every paragraph spilled");
}
