//! episode.mp3 made of per-paragraph segments, checked with ffmpeg and mpv: its exact
//! length, its seams, its chapter starts.

use std::path::Path;
use std::process::Command;

use crate::common::{sample_output, wavs};
use crate::podcast::tool;

/// episode.mp3 decoded by ffmpeg, mono 16-bit at its own rate; `gapless` off asks ffmpeg to
/// skip no encoder delay whatever the file says.
fn decoded(mp3: &Path, gapless: bool) -> Vec<i16> {
    let mut cmd = Command::new("ffmpeg");
    cmd.args(["-v", "error"]);
    if !gapless {
        cmd.args(["-flags2", "skip_manual"]);
    }
    let out = cmd
        .arg("-i")
        .arg(mp3)
        .args(["-f", "s16le", "-ac", "1", "-"])
        .output()
        .expect("ffmpeg");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
        .chunks_exact(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]))
        .collect()
}

/// The paragraph files' lengths in samples, and their rate.
fn paragraphs(out: &Path) -> (Vec<u64>, u64) {
    let files = wavs(out);
    let rate = hound::WavReader::open(&files[0])
        .expect("wav")
        .spec()
        .sample_rate;
    let lengths = files
        .iter()
        .map(|f| u64::from(hound::WavReader::open(f).expect("wav").duration()))
        .collect();
    (lengths, u64::from(rate))
}

/// The first sample louder than a tenth of full scale.
fn first_loud(samples: impl Iterator<Item = i16>) -> Option<u64> {
    samples
        .enumerate()
        .find(|(_, s)| s.unsigned_abs() > 3_277)
        .map(|(i, _)| i as u64)
}

#[test]
fn episode_mp3_decodes_to_the_paragraphs_exactly_with_clean_seams() {
    if !tool("ffmpeg") {
        return;
    }
    let (out, _) = sample_output();
    let (lengths, rate) = paragraphs(out);
    let ratio = 44_100 / rate;
    let total: u64 = lengths.iter().sum::<u64>() * ratio;
    let mp3 = out.join("episode.mp3");
    for gapless in [true, false] {
        assert_eq!(
            decoded(&mp3, gapless).len() as u64,
            total,
            "gapless {gapless}"
        );
    }
    let episode = decoded(&mp3, true);
    // The program as 44.1 kHz WAV (the sample output asks for episode.wav): the segments must
    // line up with it at every paragraph, with no shift.
    let program: Vec<i16> = hound::WavReader::open(out.join("episode.wav"))
        .expect("episode.wav")
        .into_samples::<i16>()
        .map(|s| s.expect("sample"))
        .collect();
    assert_eq!(program.len(), episode.len());
    let mut start = 0u64;
    for (file, len) in wavs(out).iter().zip(&lengths) {
        let (at, end) = ((start * ratio) as usize, ((start + len) * ratio) as usize);
        let onset = at + first_loud(program[at..end].iter().copied()).expect("speech") as usize;
        let window = onset.saturating_sub(441)..(onset + 2_205).min(end);
        assert_eq!(best_lag(&program, &episode, window), 0, "{file:?}");
        // No click, no gap: the 10 ms on each side of the seam are the paragraphs'
        // silence, decoded as silence.
        let around = &episode[at.saturating_sub(441)..(at + 441).min(episode.len())];
        let loudest = around.iter().map(|s| s.unsigned_abs()).max().unwrap_or(0);
        assert!(loudest < 33, "{file:?}: {loudest} at the seam");
        start += len;
    }
}

/// The shift of `b` against `a` (in samples, -20 to 20) that correlates best over `window`.
fn best_lag(a: &[i16], b: &[i16], window: std::ops::Range<usize>) -> i64 {
    (-20i64..=20)
        .max_by_key(|lag| {
            window
                .clone()
                .filter_map(|i| {
                    let j = usize::try_from(i as i64 + lag).ok()?;
                    Some(i64::from(a[i]) * i64::from(*b.get(j)?))
                })
                .sum::<i64>()
        })
        .expect("lags")
}

#[test]
fn mpv_seeks_to_each_chapter_start_exactly() {
    if !tool("mpv") {
        return;
    }
    let (out, _) = sample_output();
    let json = std::fs::read_to_string(out.join("chapters.json")).expect("chapters.json");
    let json: serde_json::Value = serde_json::from_str(&json).expect("json");
    let starts: Vec<f64> = json["chapters"]
        .as_array()
        .expect("chapters")
        .iter()
        .map(|c| c["startTime"].as_f64().expect("startTime"))
        .collect();
    for (n, start) in starts.iter().enumerate().skip(1).step_by(4) {
        let o = Command::new("mpv")
            .args(["--no-config", "--ao=null", "--vo=null", "--length=0.1"])
            .arg(format!("--start=#{}", n + 1))
            .args(["--msg-level=all=error,term-msg=info"])
            .arg("--term-playing-msg=at=${=time-pos}")
            .arg(out.join("episode.mp3"))
            .output()
            .expect("mpv");
        let text = String::from_utf8_lossy(&o.stdout);
        let at: f64 = text
            .lines()
            .find_map(|l| l.strip_prefix("at="))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("no position from mpv: {text}"));
        assert!(
            (at - start).abs() < 0.001,
            "chapter {}: mpv at {at}, chapter at {start}",
            n + 1
        );
    }
}
