//! `--loudness acx`: one MP3 per chapter that meets ACX's requirements, as ffprobe and
//! ffmpeg's own meters read the files, and a summary that agrees with them.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{narrate, stderr};
use crate::podcast::tool;

/// Two sections of one paragraph each, long enough that their room tone does not pull the
/// file's RMS under ACX's floor.
const SCRIPT: &str = "\
---
title: Rivers and Dams
---

## How a Barrage Works

A barrage holds back a river so that its water can turn turbines and carry ships. It is \
built across the whole valley, with gates that open when the river runs high in spring, \
and locks that lift the boats from one level to the next.

## Why It Matters

Without barrages, the towns downstream would flood every spring. The power they make \
lights thousands of homes, and the lakes behind them water the fields through the long \
dry summer.
";

/// Narrates `script` into `dir/out` with `args`; the run's stderr.
fn run(dir: &Path, args: &[&str]) -> String {
    let o = narrate(dir)
        .arg("talk.md")
        .args(["-o", "out"])
        .args(args)
        .output()
        .expect("run");
    assert!(o.status.success(), "{}", stderr(&o));
    stderr(&o)
}

fn chapter_files(out: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(out)
        .expect("out")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            let name = p.file_name().expect("name").to_string_lossy();
            name.starts_with("acx-") && name.ends_with(".mp3")
        })
        .collect();
    files.sort();
    files
}

/// ffprobe's `entries` of `section` for `file`, as `key=value` lines.
fn probe(file: &Path, args: &[&str]) -> String {
    let o = Command::new("ffprobe")
        .args(["-v", "error"])
        .args(args)
        .args(["-of", "default=noprint_wrappers=1"])
        .arg(file)
        .output()
        .expect("ffprobe");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// What ffmpeg measures of a file: RMS dB, peak dB, head silence s, tail silence s.
type Levels = [f64; 4];

/// A file's [`Levels`], the silences as `silencedetect` at -60 dB finds them.
fn ffmpeg_levels(file: &Path) -> Levels {
    let o = Command::new("ffmpeg")
        .args(["-hide_banner", "-nostats", "-i"])
        .arg(file)
        .args([
            "-af",
            "astats=measure_perchannel=none,silencedetect=noise=-60dB:d=0.1",
            "-f",
            "null",
            "-",
        ])
        .output()
        .expect("ffmpeg");
    let text = String::from_utf8_lossy(&o.stderr);
    let after = |key: &str| -> Vec<f64> {
        text.lines()
            .filter_map(|l| l.split(key).nth(1))
            .filter_map(|v| v.split_whitespace().next()?.parse().ok())
            .collect()
    };
    let duration: f64 = probe(file, &["-show_entries", "format=duration"])
        .trim()
        .trim_start_matches("duration=")
        .parse()
        .expect("a duration");
    let starts = after("silence_start: ");
    let ends = after("silence_end: ");
    assert_eq!(starts.first(), Some(&0.0), "silence at the head: {text}");
    let head = ends[0];
    let tail = duration - starts.last().expect("silence at the tail");
    [
        after("RMS level dB: ")[0],
        after("Peak level dB: ")[0],
        head,
        tail,
    ]
}

/// The least and greatest values of the summary's line about `asks`.
fn summary_range(summary: &str, asks: &str) -> (f64, f64) {
    let line = summary
        .lines()
        .find(|l| l.contains(asks))
        .unwrap_or_else(|| panic!("no line about {asks}: {summary}"));
    assert!(line.trim_start().starts_with("ok "), "{line}");
    let found = line.rsplit_once(": ").expect("a value").1;
    let numbers: Vec<f64> = found
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    (numbers[0], *numbers.last().expect("a number"))
}

fn min_max(values: impl Iterator<Item = f64>) -> (f64, f64) {
    values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    })
}

#[test]
fn acx_writes_one_192_kbps_cbr_mono_mp3_per_chapter_meeting_acx_as_ffmpeg_measures() {
    if !tool("ffprobe") || !tool("ffmpeg") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("talk.md"), SCRIPT).expect("script");
    let summary = run(dir.path(), &["--loudness", "acx"]);
    let out = dir.path().join("out");
    let files = chapter_files(&out);
    let names: Vec<String> = files
        .iter()
        .map(|f| f.file_name().expect("name").to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "acx-01-how-a-barrage-works.mp3",
            "acx-02-why-it-matters.mp3"
        ],
        "{summary}"
    );
    let mut measured = Vec::new();
    let titles = ["How a Barrage Works", "Why It Matters"];
    for (i, (file, title)) in files.iter().zip(titles).enumerate() {
        let stream = probe(
            file,
            &[
                "-show_entries",
                "stream=codec_name,sample_rate,channels,bit_rate:format_tags=title,album,track",
            ],
        );
        for want in [
            "codec_name=mp3",
            "sample_rate=44100",
            "channels=1",
            "bit_rate=192000",
            &format!("TAG:title={title}"),
            "TAG:album=Rivers and Dams",
            &format!("TAG:track={}/2", i + 1),
        ] {
            assert!(
                stream.lines().any(|l| l == want),
                "{file:?}: {want} in {stream}"
            );
        }
        // Constant bit rate: every audio packet is a 192 kbps frame at 44.1 kHz (626 bytes,
        // 627 with the padding slot).
        let packets = probe(file, &["-show_entries", "packet=size"]);
        let sizes: Vec<&str> = packets.lines().collect();
        assert!(sizes.len() > 100, "{file:?}: {} packets", sizes.len());
        assert!(
            sizes.iter().all(|s| *s == "size=626" || *s == "size=627"),
            "{file:?}: {sizes:?}"
        );
        let [rms, peak, head, tail] = ffmpeg_levels(file);
        assert!((-23.0..=-18.0).contains(&rms), "{file:?}: RMS {rms}");
        assert!(peak <= -3.0, "{file:?}: peak {peak}");
        assert!((0.5..=1.0).contains(&head), "{file:?}: head {head}");
        assert!((1.0..=5.0).contains(&tail), "{file:?}: tail {tail}");
        measured.push([rms, peak, head, tail]);
    }
    // The summary's figures are ffmpeg's, to a tenth or two of a dB and a few ms.
    let pairs = [
        ("RMS -23 to -18 dB", 0.15),
        ("peaks at most -3 dB", 0.15),
        ("room tone 0.5 to 1 s at the head", 0.03),
        ("room tone 1 to 5 s at the tail", 0.03),
    ];
    for (i, (asks, tolerance)) in pairs.into_iter().enumerate() {
        let (lo, hi) = summary_range(&summary, asks);
        let (flo, fhi) = min_max(measured.iter().map(|m: &Levels| m[i]));
        assert!(
            (lo - flo).abs() <= tolerance && (hi - fhi).abs() <= tolerance,
            "{asks}: summary {lo}..{hi}, ffmpeg {flo}..{fhi}\n{summary}"
        );
    }
    for asks in [
        "noise floor at most -60 dB RMS (quietest 500 ms): -inf (digital silence) dB",
        "MP3 of 192 kbps or more, constant bit rate: 192 kbps",
        "44.1 kHz: 44100 Hz",
        "all mono or all stereo: mono",
    ] {
        assert!(
            summary.contains(&format!("ok   {asks}")),
            "{asks}: {summary}"
        );
    }
    assert!(!summary.contains("FAIL"), "{summary}");
}

#[test]
fn an_edit_rewrites_only_its_chapter_file_and_acx_off_removes_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = dir.path().join("talk.md");
    std::fs::write(&script, SCRIPT).expect("script");
    run(dir.path(), &["--loudness", "acx"]);
    let out = dir.path().join("out");
    let read = |files: &[PathBuf]| -> Vec<Vec<u8>> {
        files
            .iter()
            .map(|f| std::fs::read(f).expect("read"))
            .collect()
    };
    let mtimes = |files: &[PathBuf]| -> Vec<std::time::SystemTime> {
        (files.iter())
            .map(|f| {
                std::fs::metadata(f)
                    .and_then(|m| m.modified())
                    .expect("mtime")
            })
            .collect()
    };
    let files = chapter_files(&out);
    let (bytes, times) = (read(&files), mtimes(&files));
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&script, SCRIPT.replace("flood every", "flood nearly every")).expect("edit");
    let summary = run(dir.path(), &["--loudness", "acx"]);
    assert!(
        summary.contains("2 chapter files acx-*.mp3 (1 written)"),
        "{summary}"
    );
    assert_eq!(chapter_files(&out), files, "the same names");
    let (after, after_times) = (read(&files), mtimes(&files));
    assert_eq!(
        (after[0] == bytes[0], after_times[0] == times[0]),
        (true, true)
    );
    assert_ne!(after[1], bytes[1], "the edited chapter's file is new");
    // Nothing changed: nothing is written.
    let summary = run(dir.path(), &["--loudness", "acx"]);
    assert!(summary.contains("acx-*.mp3, unchanged"), "{summary}");
    assert_eq!(mtimes(&files), after_times);
    // Back to the podcast preset: the chapter files are narrate's, so they go.
    let summary = run(dir.path(), &[]);
    assert!(chapter_files(&out).is_empty(), "{summary}");
    assert!(!summary.contains("ACX"), "{summary}");
}

#[test]
fn a_file_narrate_did_not_write_under_a_chapter_files_name_is_left_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("talk.md"), SCRIPT).expect("script");
    let mine = dir.path().join("out/acx-02-why-it-matters.mp3");
    std::fs::create_dir_all(mine.parent().expect("out")).expect("out");
    std::fs::write(&mine, "mine").expect("mine");
    let o = narrate(dir.path())
        .args(["talk.md", "-o", "out", "--loudness", "acx"])
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(6), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("acx-02-why-it-matters.mp3: will not replace"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read(&mine).expect("mine"), b"mine");
}
