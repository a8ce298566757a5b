//! Publish-ready listings, end to end on the sample: chapter times that agree with the
//! MP3's CHAP frames (read by ffprobe) to the millisecond.

use std::process::Command;

use crate::common::sample_output;

/// `12.345` (JSON number or ffprobe's `12.345000`) to milliseconds.
fn ms(text: &str) -> u64 {
    let (whole, frac) = text.split_once('.').unwrap_or((text, "0"));
    let frac = frac.trim_end_matches('0');
    assert!(frac.len() <= 3, "{text}");
    format!("{whole}{frac:0<3}").parse().expect("seconds")
}

/// The MP3's chapters as ffprobe reads them: (start ms, end ms).
fn ffprobe_chapters(path: &std::path::Path) -> Option<Vec<(u64, u64)>> {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-show_chapters", "-of", "json"])
        .arg(path)
        .output()
        .ok()?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let chapters = value["chapters"].as_array().expect("chapters");
    Some(
        chapters
            .iter()
            .map(|c| {
                let time = |key: &str| ms(c[key].as_str().expect("a time"));
                (time("start_time"), time("end_time"))
            })
            .collect(),
    )
}

#[test]
fn chapter_times_are_contiguous_and_identical_in_every_listing_and_the_mp3() {
    let (out, _) = sample_output();
    let Some(mp3) = ffprobe_chapters(&out.join("episode.mp3")) else {
        assert!(std::env::var_os("CI").is_none(), "ffprobe is missing in CI");
        eprintln!("*** SKIPPED: ffprobe is not installed");
        return;
    };
    assert_eq!(mp3.len(), 13);
    for pair in mp3.windows(2) {
        assert_eq!(pair[0].1, pair[1].0, "the MP3's chapters: {mp3:?}");
    }

    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("chapters.json")).expect("json"))
            .expect("valid JSON");
    let json: Vec<(u64, u64)> = json["chapters"]
        .as_array()
        .expect("chapters")
        .iter()
        .map(|c| {
            (
                ms(&c["startTime"].to_string()),
                ms(&c["endTime"].to_string()),
            )
        })
        .collect();
    assert_eq!(json, mp3, "chapters.json against the MP3");

    let ffmetadata = std::fs::read_to_string(out.join("chapters.ffmetadata")).expect("read");
    let values = |key: &str| -> Vec<u64> {
        ffmetadata
            .lines()
            .filter_map(|l| l.strip_prefix(key))
            .map(|v| v.parse().expect("ms"))
            .collect()
    };
    let ffmetadata: Vec<(u64, u64)> = values("START=").into_iter().zip(values("END=")).collect();
    assert_eq!(ffmetadata, mp3, "chapters.ffmetadata against the MP3");

    let cue = std::fs::read_to_string(out.join("chapters.cue")).expect("read");
    let values = |key: &str| -> Vec<u64> {
        cue.lines()
            .filter_map(|l| l.trim().strip_prefix(key))
            .map(ms)
            .collect()
    };
    let cue: Vec<(u64, u64)> = values("REM START ")
        .into_iter()
        .zip(values("REM DURATION "))
        .map(|(start, length)| (start, start + length))
        .collect();
    assert_eq!(cue, mp3, "chapters.cue against the MP3");
}
