//! How long `narrate check` takes on the sample essay (the goal: well under a second).
//! `cargo bench --bench check`; run it on a quiet machine, the numbers are wall-clock.
//!
//! Three figures: the first check in a process (the dictionary unpacked, libespeak-ng
//! loaded, the words phonemized in a forked worker), later checks in the same process, and
//! the whole `narrate check` command as an author runs it (process start to exit, text
//! output), with and without the sample's lexicon.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use narrate::check::{check, LexiconEntries};
use narrate::text::normalize::Lexicon;
use narrate::text::{parse::parse, Format};

const ROUNDS: u32 = 20;

fn main() {
    let root = env!("CARGO_MANIFEST_DIR");
    let script = std::fs::read_to_string(format!("{root}/script/essay.txt")).expect("sample");
    let lexicon_path = Path::new(root).join("script/lexicon.toml");
    let source = std::fs::read_to_string(&lexicon_path).expect("sample lexicon");
    let lexicon = Lexicon::parse(&source, &lexicon_path).expect("valid lexicon");
    let entries = LexiconEntries::parse(&source, &lexicon_path).expect("valid lexicon");
    let paragraphs = narrate::script::prepare(&parse(&script, Format::Plain), &lexicon);

    let start = Instant::now();
    narrate::check::warm_up();
    let unpack = start.elapsed();
    let start = Instant::now();
    let report = check(&paragraphs, &entries, "en-us").expect("espeak-ng is installed");
    let first = start.elapsed();
    let start = Instant::now();
    for _ in 0..ROUNDS {
        let _ = check(&paragraphs, &entries, "en-us").expect("espeak-ng is installed");
    }
    let later = start.elapsed() / ROUNDS;
    println!(
        "check, in process: dictionary unpacked in {}, first check {} (loads libespeak-ng), \
         then {} per check ({} words listed)",
        ms(unpack),
        ms(first),
        ms(later),
        report.summary.words
    );

    for (label, extra) in [
        ("with the lexicon", None),
        ("--no-lexicon", Some("--no-lexicon")),
    ] {
        let mut times = Vec::new();
        for _ in 0..ROUNDS {
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_narrate"));
            cmd.current_dir(root).args(["check", "script/essay.txt"]);
            cmd.args(extra);
            let start = Instant::now();
            let out = cmd.output().expect("run narrate check");
            times.push(start.elapsed());
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        times.sort();
        println!(
            "narrate check script/essay.txt {label}: median {}, fastest {}, slowest {} \
             ({ROUNDS} runs)",
            ms(times[times.len() / 2]),
            ms(times[0]),
            ms(times[times.len() - 1])
        );
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}
