//! The sample essay, narrated with the real espeak-ng: the files, their audio, and the
//! listings, which must agree with the WAV headers to the millisecond.

use std::path::Path;

use crate::common::{read_wav, sample_output, wav_ms, wavs};

#[test]
fn sample_gives_thirteen_mono_16_bit_paragraph_files_of_real_speech() {
    let (out, _) = sample_output();
    let files = wavs(out);
    assert_eq!(files.len(), 13, "{files:?}");
    for f in &files {
        let (spec, samples) = read_wav(f);
        assert_eq!(spec.channels, 1, "{f:?}");
        assert_eq!(spec.bits_per_sample, 16, "{f:?}");
        assert_eq!(spec.sample_rate, 22050, "{f:?}");
        let seconds = samples.len() as f64 / f64::from(spec.sample_rate);
        assert!(seconds > 5.0, "{f:?} is only {seconds:.2} s");
        let peak = samples.iter().map(|s| s.unsigned_abs()).max().unwrap_or(0);
        assert!(peak > 3000, "{f:?} is nearly silent (peak {peak})");
        // Speech, not noise: a good share of 20 ms windows carry energy, and some are quiet.
        let windows: Vec<f64> = samples
            .chunks(441)
            .map(|w| (w.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / w.len() as f64).sqrt())
            .collect();
        let loud = windows.iter().filter(|&&r| r > 500.0).count() as f64 / windows.len() as f64;
        assert!(
            (0.3..0.98).contains(&loud),
            "{f:?}: {loud:.2} of windows loud"
        );
    }
}

#[test]
fn file_names_are_numbered_ascii_slugs() {
    let (out, _) = sample_output();
    for (i, f) in wavs(out).iter().enumerate() {
        let name = f.file_name().and_then(|n| n.to_str()).expect("utf-8 name");
        assert!(name.starts_with(&format!("{:02}-", i + 1)), "{name}");
        assert!(
            name.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.'),
            "{name}"
        );
    }
    let first = wavs(out)[0].clone();
    assert!(
        first.ends_with("01-it-is-abundantly-clear-that-washington-s.wav")
            || first
                .to_string_lossy()
                .contains("01-it-is-abundantly-clear"),
        "{first:?}"
    );
}

#[test]
fn paragraph_files_start_and_end_in_silence_and_joins_do_not_click() {
    let (out, _) = sample_output();
    let manifest = crate::common::manifest(out);
    for p in manifest["paragraphs"].as_array().expect("paragraphs") {
        let file = out.join(p["file"].as_str().expect("file"));
        let (spec, samples) = read_wav(&file);
        let head = (spec.sample_rate / 5) as usize; // 200 ms
        let peak = |s: &[i16]| s.iter().map(|x| x.unsigned_abs()).max().unwrap_or(0);
        assert!(
            peak(&samples[..head]) < 200,
            "{file:?}: speech in the first 200 ms"
        );
        assert!(
            peak(&samples[samples.len() - head..]) < 200,
            "{file:?}: speech in the last 200 ms"
        );
        for s in p["sentences"].as_array().expect("sentences") {
            let (start, end) = (
                s["start"].as_u64().expect("start") as usize,
                s["end"].as_u64().expect("end") as usize,
            );
            assert!(start < end && end <= samples.len());
            // Faded edges: the first and last samples of each sentence are near zero.
            assert!(
                samples[start].unsigned_abs() < 300,
                "{file:?} click at {start}"
            );
            assert!(
                samples[end - 1].unsigned_abs() < 300,
                "{file:?} click at {end}"
            );
        }
    }
}

/// `h:mm:ss.mmm` or `m:ss.mmm` to ms.
fn clock_ms(s: &str) -> u64 {
    let (hms, ms) = s.split_once('.').expect("fraction");
    let secs = hms.split(':').fold(0u64, |acc, part| {
        acc * 60 + part.parse::<u64>().expect("number")
    });
    secs * 1000 + ms.parse::<u64>().expect("ms")
}

fn seconds_ms(s: &str) -> u64 {
    (s.trim().parse::<f64>().expect("seconds") * 1000.0).round() as u64
}

/// (file, duration ms) of every WAV, and their program starts.
/// Each paragraph file with its start and length in ms, from the WAV headers: the start is
/// the samples before it in ms (not a sum of rounded lengths, which drifts).
fn truth(out: &Path) -> Vec<(String, u64, u64)> {
    let mut samples = 0u64;
    wavs(out)
        .iter()
        .map(|f| {
            let reader = hound::WavReader::open(f).expect("wav");
            let rate = u64::from(reader.spec().sample_rate);
            let start = (samples * 1000 + rate / 2) / rate;
            samples += u64::from(reader.duration());
            let name = f.file_name().expect("name").to_string_lossy().into_owned();
            (name, start, wav_ms(f))
        })
        .collect()
}

fn close(a: u64, b: u64) -> bool {
    a.abs_diff(b) <= 1
}

#[test]
fn all_five_listings_agree_with_the_wav_headers_to_the_millisecond() {
    let (out, _) = sample_output();
    let truth = truth(out);
    assert_eq!(truth.len(), 13);

    // chapters.txt: number, start, duration, file, title.
    let txt = std::fs::read_to_string(out.join("chapters.txt")).expect("chapters.txt");
    let rows: Vec<Vec<&str>> = txt
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .filter(|w| w.len() >= 4 && w[0].parse::<usize>().is_ok())
        .collect();
    assert_eq!(rows.len(), 13, "{txt}");
    for (row, (file, start, ms)) in rows.iter().zip(&truth) {
        assert!(
            close(clock_ms(row[1]), *start),
            "txt start {row:?} vs {start}"
        );
        assert!(close(clock_ms(row[2]), *ms), "txt duration {row:?} vs {ms}");
        assert_eq!(row[3], file);
    }

    // playlist.m3u8: #EXTINF:<seconds>,<title> then the file.
    let m3u = std::fs::read_to_string(out.join("playlist.m3u8")).expect("playlist");
    assert!(m3u.starts_with("#EXTM3U\n"));
    let lines: Vec<&str> = m3u.lines().collect();
    let mut n = 0;
    for (i, l) in lines.iter().enumerate() {
        if let Some(rest) = l.strip_prefix("#EXTINF:") {
            let secs = rest.split(',').next().expect("seconds");
            assert!(close(seconds_ms(secs), truth[n].2), "m3u8 {l}");
            assert_eq!(lines[i + 1], truth[n].0);
            n += 1;
        }
    }
    assert_eq!(n, 13);

    // chapters.json: Podcasting 2.0.
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("chapters.json")).expect("json"))
            .expect("valid json");
    assert_eq!(json["version"], "1.2.0");
    let chapters = json["chapters"].as_array().expect("chapters");
    assert_eq!(chapters.len(), 13);
    for (c, (_, start, ms)) in chapters.iter().zip(&truth) {
        let s = (c["startTime"].as_f64().expect("startTime") * 1000.0).round() as u64;
        let e = (c["endTime"].as_f64().expect("endTime") * 1000.0).round() as u64;
        assert!(close(s, *start), "json start {c}");
        assert!(close(e - s, *ms), "json duration {c}");
        assert!(!c["title"].as_str().expect("title").is_empty());
    }

    // chapters.cue: one FILE per paragraph, REM DURATION exact.
    let cue = std::fs::read_to_string(out.join("chapters.cue")).expect("cue");
    let files: Vec<&str> = cue.lines().filter(|l| l.starts_with("FILE ")).collect();
    assert_eq!(files.len(), 13);
    let durations: Vec<u64> = cue
        .lines()
        .filter_map(|l| l.trim().strip_prefix("REM DURATION "))
        .map(seconds_ms)
        .collect();
    for (i, (file, _, ms)) in truth.iter().enumerate() {
        assert_eq!(files[i], format!("FILE \"{file}\" WAVE"));
        assert!(close(durations[i], *ms), "cue {i}");
    }

    // chapters.ffmetadata: START/END in ms.
    let ff = std::fs::read_to_string(out.join("chapters.ffmetadata")).expect("ffmetadata");
    assert!(ff.starts_with(";FFMETADATA1\n"));
    let starts: Vec<u64> = ff
        .lines()
        .filter_map(|l| l.strip_prefix("START="))
        .map(|v| v.parse().expect("ms"))
        .collect();
    let ends: Vec<u64> = ff
        .lines()
        .filter_map(|l| l.strip_prefix("END="))
        .map(|v| v.parse().expect("ms"))
        .collect();
    assert_eq!(ff.matches("TIMEBASE=1/1000").count(), 13);
    for (i, (_, start, ms)) in truth.iter().enumerate() {
        assert!(close(starts[i], *start), "ffmetadata start {i}");
        assert!(close(ends[i] - starts[i], *ms), "ffmetadata duration {i}");
    }
}

/// (start, end) ms of every cue of a VTT or SRT file.
fn cue_times(text: &str, sep: char) -> Vec<(u64, u64)> {
    text.lines()
        .filter_map(|l| l.split_once(" --> "))
        .map(|(a, b)| {
            let ms = |t: &str| clock_ms(&t.trim().replace(sep, "."));
            (ms(a), ms(b))
        })
        .collect()
}

#[test]
fn transcript_cues_are_ordered_and_inside_their_paragraph() {
    let (out, _) = sample_output();
    let truth = truth(out);
    let manifest = crate::common::manifest(out);
    let per_paragraph: Vec<usize> = manifest["paragraphs"]
        .as_array()
        .expect("paragraphs")
        .iter()
        .map(|p| p["sentences"].as_array().expect("sentences").len())
        .collect();
    for (file, sep) in [("transcript.vtt", '.'), ("transcript.srt", ',')] {
        let text = std::fs::read_to_string(out.join(file)).expect(file);
        let cues = cue_times(&text, sep);
        assert_eq!(cues.len(), per_paragraph.iter().sum::<usize>(), "{file}");
        let mut i = 0;
        let mut last_end = 0;
        for ((_, start, ms), n) in truth.iter().zip(&per_paragraph) {
            for _ in 0..*n {
                let (s, e) = cues[i];
                assert!(s < e, "{file} cue {i}");
                assert!(s >= last_end, "{file} cue {i} overlaps the previous one");
                assert!(
                    s + 1 >= *start && e <= start + ms + 1,
                    "{file} cue {i} outside its paragraph"
                );
                last_end = e;
                i += 1;
            }
        }
    }
    let vtt = std::fs::read_to_string(out.join("transcript.vtt")).expect("vtt");
    assert!(vtt.starts_with("WEBVTT"));
    assert!(vtt.contains("The genie cannot be put back into the bottle."));
}

#[test]
fn summary_line_reports_paragraphs_sentences_and_speed() {
    let (_, err) = sample_output();
    let line = err
        .lines()
        .find(|l| l.starts_with("narrated "))
        .expect("a summary line");
    assert!(line.starts_with("narrated 13 paragraphs, "), "{line}");
    assert!(
        line.contains(" sentences: ") && line.contains("x real time"),
        "{line}"
    );
    assert!(err.contains("synthesized"), "{err}");
}

#[test]
fn residue_line_is_not_spoken() {
    let (out, _) = sample_output();
    let vtt = std::fs::read_to_string(out.join("transcript.vtt")).expect("vtt");
    assert!(!vtt.contains("![]()"));
    assert!(!vtt.contains(" |\n"));
}
