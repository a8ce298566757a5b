//! The podcast-ready product, checked with independent readers: ffprobe reads the MP3's
//! chapters, ffmpeg's own EBU R128 meter measures every file.

use std::path::Path;
use std::process::Command;

use crate::common::{narrate, sample_output, stderr, wavs};

/// Target of the default preset for mono, its tolerance and ceiling.
const TARGET_LUFS: f64 = -19.0;
const CEILING_DBTP: f64 = -1.0;

pub(crate) fn tool(name: &str) -> bool {
    let found = Command::new(name)
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found || std::env::var_os("CI").is_none(),
        "{name} is missing in CI (scripts/setup --test)"
    );
    if !found {
        eprintln!("*** SKIPPED: {name} is not installed (scripts/setup --test installs it)");
    }
    found
}

/// (integrated LUFS, true peak dBTP) as ffmpeg's ebur128 filter measures them.
fn ffmpeg_loudness(path: &Path) -> (f64, f64) {
    let out = Command::new("ffmpeg")
        .args(["-hide_banner", "-nostats", "-i"])
        .arg(path)
        .args(["-filter_complex", "ebur128=peak=true", "-f", "null", "-"])
        .output()
        .expect("ffmpeg");
    let text = String::from_utf8_lossy(&out.stderr);
    let summary = text.rsplit("Summary:").next().expect("a summary");
    let value = |key: &str| -> f64 {
        summary
            .lines()
            .find_map(|l| l.trim().strip_prefix(key))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no {key} in {summary}"))
    };
    (value("I:"), value("Peak:"))
}

#[test]
fn episode_mp3_chapters_read_by_ffprobe_match_the_manifest_to_10_ms() {
    if !tool("ffprobe") {
        return;
    }
    let (out, _) = sample_output();
    let probe = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_chapters",
            "-show_format",
            "-show_streams",
            "-of",
            "json",
        ])
        .arg(out.join("episode.mp3"))
        .output()
        .expect("ffprobe");
    assert!(
        probe.status.success(),
        "{}",
        String::from_utf8_lossy(&probe.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&probe.stdout).expect("json");
    let chapters = json["chapters"].as_array().expect("chapters");
    let listed: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("chapters.json")).expect("chapters.json"))
            .expect("json");
    let listed = listed["chapters"].as_array().expect("chapters");
    assert_eq!(chapters.len(), 13);
    assert_eq!(listed.len(), 13);
    for (c, l) in chapters.iter().zip(listed) {
        let start: f64 = c["start_time"]
            .as_str()
            .expect("start")
            .parse()
            .expect("number");
        let end: f64 = c["end_time"]
            .as_str()
            .expect("end")
            .parse()
            .expect("number");
        assert!(
            (start - l["startTime"].as_f64().expect("startTime")).abs() <= 0.010,
            "{c} vs {l}"
        );
        assert!(
            (end - l["endTime"].as_f64().expect("endTime")).abs() <= 0.010,
            "{c} vs {l}"
        );
        assert_eq!(c["tags"]["title"], l["title"]);
    }
    let stream = &json["streams"][0];
    assert_eq!(stream["codec_name"], "mp3");
    assert_eq!(stream["sample_rate"], "44100");
    assert_eq!(stream["channels"], 1);
    assert_eq!(
        json["format"]["bit_rate"]
            .as_str()
            .map(|b| b.parse::<u64>().expect("n") / 1000),
        Some(64)
    );
    // Duration, less the encoder delay ffprobe reports as the start time, is the program.
    let total: f64 = listed.last().expect("a chapter")["endTime"]
        .as_f64()
        .expect("end");
    let duration: f64 = json["format"]["duration"]
        .as_str()
        .expect("d")
        .parse()
        .expect("n");
    let delay: f64 = json["format"]["start_time"]
        .as_str()
        .unwrap_or("0")
        .parse()
        .expect("n");
    assert!(
        (duration - delay - total).abs() < 0.06,
        "mp3 {duration} - {delay} vs program {total}"
    );
}

#[test]
fn episode_wav_is_the_paragraphs_in_order_at_44100_hz() {
    let (out, _) = sample_output();
    let reader = hound::WavReader::open(out.join("episode.wav")).expect("episode.wav");
    let spec = reader.spec();
    assert_eq!(
        (spec.channels, spec.sample_rate, spec.bits_per_sample),
        (1, 44100, 16)
    );
    let episode_frames = u64::from(reader.duration());
    let program_frames: u64 = wavs(out)
        .iter()
        .map(|f| u64::from(hound::WavReader::open(f).expect("wav").duration()))
        .sum();
    assert_eq!(
        episode_frames,
        program_frames * 2,
        "44100 is twice the engine's 22050"
    );
}

#[test]
fn every_paragraph_file_and_the_episode_meet_the_podcast_target_by_ffmpeg_meter() {
    if !tool("ffmpeg") {
        return;
    }
    let (out, _) = sample_output();
    let mut files = wavs(out);
    files.push(out.join("episode.wav"));
    files.push(out.join("episode.mp3"));
    for f in &files {
        let (lufs, peak) = ffmpeg_loudness(f);
        assert!((lufs - TARGET_LUFS).abs() <= 1.0, "{f:?}: {lufs} LUFS");
        assert!(peak <= CEILING_DBTP + 0.1, "{f:?}: true peak {peak} dBTP");
    }
    let table = std::fs::read_to_string(out.join("chapters.txt")).expect("chapters.txt");
    assert_eq!(table.matches(" LUFS ").count(), 13, "{table}");
}

#[test]
fn ebu_preset_and_sample_rate_are_honoured() {
    if !tool("ffmpeg") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let script = dir.path().join("s.txt");
    std::fs::write(
        &script,
        "A first paragraph, long enough to measure over several seconds of speech.\n\n\
         And a second one that says a little more, so the meter has something to gate.\n",
    )
    .expect("write");
    let o = narrate(dir.path())
        .args([
            "s.txt",
            "--loudness",
            "ebu",
            "--sample-rate",
            "48000",
            "--episode-wav",
            "-o",
            "out",
        ])
        .output()
        .expect("run");
    assert!(o.status.success(), "{}", stderr(&o));
    let out = dir.path().join("out");
    let spec = hound::WavReader::open(out.join("episode.wav"))
        .expect("wav")
        .spec();
    assert_eq!(spec.sample_rate, 48000);
    for f in wavs(&out).iter().chain([&out.join("episode.wav")]) {
        let (lufs, peak) = ffmpeg_loudness(f);
        assert!((lufs + 23.0).abs() <= 1.0, "{f:?}: {lufs}");
        assert!(peak <= CEILING_DBTP + 0.1, "{f:?}: {peak}");
    }
    assert!(stderr(&o).contains("LUFS"), "{}", stderr(&o));
}

#[test]
fn editing_one_paragraph_rewrites_only_it_and_the_episode() {
    let (dir, script) = crate::common::scratch_with_sample();
    let out = dir.path().join("out");
    let run = || {
        let o = narrate(dir.path())
            .arg(&script)
            .arg("-o")
            .arg(&out)
            .output()
            .expect("run");
        assert!(o.status.success(), "{}", stderr(&o));
    };
    run();
    let mtime = |p: &Path| {
        std::fs::metadata(p)
            .and_then(|m| m.modified())
            .expect("mtime")
    };
    let before: Vec<_> = wavs(&out).iter().map(|f| mtime(f)).collect();
    let episode = mtime(&out.join("episode.mp3"));
    std::thread::sleep(std::time::Duration::from_millis(20));
    let text = std::fs::read_to_string(&script).expect("read");
    std::fs::write(
        &script,
        text.replace("The genie cannot", "The genie can never"),
    )
    .expect("write");
    run();
    let after: Vec<_> = wavs(&out).iter().map(|f| mtime(f)).collect();
    let changed: Vec<usize> = (0..13).filter(|&i| before[i] != after[i]).collect();
    assert_eq!(changed, vec![0], "only paragraph 1 is rewritten");
    assert_ne!(
        mtime(&out.join("episode.mp3")),
        episode,
        "the episode follows the edit"
    );
}

#[test]
fn episode_wav_is_written_only_when_asked_for_and_removed_when_no_longer() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("s.txt"), "One paragraph.\n\nAnother one.\n").expect("write");
    let run = |extra: &[&str]| {
        let o = narrate(dir.path())
            .args(["s.txt", "-o", "out"])
            .args(extra)
            .output()
            .expect("run");
        assert!(o.status.success(), "{}", stderr(&o));
        stderr(&o)
    };
    let (wav, mp3) = (
        dir.path().join("out/episode.wav"),
        dir.path().join("out/episode.mp3"),
    );
    let said = run(&[]);
    assert!(mp3.is_file() && !wav.exists());
    assert!(said.contains("out/episode.mp3 at 44100 Hz"), "{said}");
    let said = run(&["--episode-wav"]);
    assert!(mp3.is_file() && wav.is_file());
    assert!(said.contains("{episode.wav,episode.mp3}"), "{said}");
    run(&[]);
    assert!(
        mp3.is_file() && !wav.exists(),
        "an older program's WAV is removed"
    );
}

/// The summary's episode figures: (LUFS, dBTP).
fn summary_loudness(err: &str) -> (f64, f64) {
    let line = err
        .lines()
        .find(|l| l.trim_start().starts_with("episode: "))
        .unwrap_or_else(|| panic!("no episode line in {err}"));
    let number = |before: &str| -> f64 {
        let head = &line[..line.find(before).unwrap_or_else(|| panic!("{line}"))];
        let word = head
            .split([' ', ','])
            .rfind(|w| !w.is_empty())
            .expect("a number");
        word.parse().unwrap_or_else(|_| panic!("{word} in {line}"))
    };
    (number(" LUFS"), number(" dBTP"))
}

/// The loudness-block files kept beside the MP3 segments, with their modification times.
fn kept_blocks(out: &Path) -> Vec<(std::path::PathBuf, std::time::SystemTime)> {
    let mut files: Vec<_> = std::fs::read_dir(out.join(".narrate/segments"))
        .expect("the segment cache")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.to_string_lossy().ends_with(".blocks.json"))
        .map(|p| {
            let t = std::fs::metadata(&p)
                .and_then(|m| m.modified())
                .expect("mtime");
            (p, t)
        })
        .collect();
    files.sort();
    files
}

#[test]
fn summary_reports_the_mp3s_loudness_as_ffmpeg_measures_it_and_an_edit_measures_one_segment() {
    if !tool("ffmpeg") {
        return;
    }
    let (dir, script) = crate::common::scratch_with_sample();
    let out = dir.path().join("out");
    let run = || {
        let o = narrate(dir.path())
            .arg(&script)
            .arg("-o")
            .arg(&out)
            .output()
            .expect("run");
        assert!(o.status.success(), "{}", stderr(&o));
        stderr(&o)
    };
    let check = |err: &str| {
        let (lufs, peak) = summary_loudness(err);
        let (ff_lufs, ff_peak) = ffmpeg_loudness(&out.join("episode.mp3"));
        // Both print one decimal: 0.1 apart at most (and a little for the float).
        assert!(
            (lufs - ff_lufs).abs() <= 0.1 + 1e-9,
            "summary {lufs} LUFS, ffmpeg {ff_lufs}"
        );
        assert!(
            (peak - ff_peak).abs() <= 0.1 + 1e-9,
            "summary {peak} dBTP, ffmpeg {ff_peak}"
        );
    };
    check(&run());
    let before = kept_blocks(&out);
    assert_eq!(before.len(), 13, "one per segment: {before:?}");
    std::thread::sleep(std::time::Duration::from_millis(20));
    let text = std::fs::read_to_string(&script).expect("read");
    std::fs::write(
        &script,
        text.replace("The genie cannot", "The genie can never"),
    )
    .expect("write");
    let err = run();
    assert!(err.contains("MP3 segments: 1 encoded, 12 reused"), "{err}");
    check(&err);
    let after = kept_blocks(&out);
    assert_eq!(after.len(), 14, "{after:?}");
    let untouched = after.iter().filter(|f| before.contains(f)).count();
    assert_eq!(
        untouched, 13,
        "only the edited paragraph's segment is measured"
    );
}
