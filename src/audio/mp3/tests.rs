//! MP3 encoding, read back by the id3 crate and by ffprobe.
use super::*;
use id3::{Tag, TagLike, Version};
use std::io::Cursor;
use std::process::Command;

/// Ten seconds of a gliding tone with short gaps, at `rate`.
fn signal(rate: u32, seconds: f64) -> Vec<f32> {
    (0..(f64::from(rate) * seconds) as usize)
        .map(|i| {
            let t = i as f64 / f64::from(rate);
            let gap = t % 1.0 > 0.85;
            let f = 200.0 + 50.0 * t;
            if gap {
                0.0
            } else {
                (0.3 * (std::f64::consts::TAU * f * t).sin()) as f32
            }
        })
        .collect()
}

fn tags() -> Tags {
    let chapter = |id: &str, title: &str, start_ms, end_ms| ChapterMark {
        id: id.to_owned(),
        title: title.to_owned(),
        start_ms,
        end_ms,
    };
    Tags {
        title: "An Essay".to_owned(),
        artist: "A. Writer".to_owned(),
        album: Some("Narrations".to_owned()),
        track_of: None,
        chapters: vec![
            chapter("p1", "Opening", 0, 3_250),
            chapter("p2", "Déjà vu — the middle", 3_250, 7_125),
            chapter("p3", "Closing", 7_125, 10_000),
        ],
    }
}

/// `ffprobe`'s JSON for `mp3`, or `None` (with a note) when ffprobe is not installed.
fn ffprobe(mp3: &[u8]) -> Option<serde_json::Value> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("episode.mp3");
    std::fs::write(&path, mp3).expect("write mp3");
    let output = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_chapters",
            "-show_format",
            "-show_streams",
        ])
        .args(["-of", "json"])
        .arg(&path)
        .output();
    match output {
        Ok(output) if output.status.success() => {
            Some(serde_json::from_slice(&output.stdout).expect("ffprobe json"))
        }
        Ok(output) => panic!(
            "ffprobe failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ),
        Err(e) => {
            eprintln!("note: skipping the ffprobe check, ffprobe not runnable: {e}");
            None
        }
    }
}

/// How many samples ffmpeg decodes from `mp3`, if ffmpeg is installed.
fn decoded_len(mp3: &[u8]) -> Option<usize> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("episode.mp3");
    std::fs::write(&path, mp3).expect("write mp3");
    let output = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(&path)
        .args(["-f", "s16le", "-"])
        .output()
        .ok()?;
    assert!(output.status.success(), "ffmpeg could not decode");
    Some(output.stdout.len() / 2)
}

fn seconds(value: &serde_json::Value) -> f64 {
    value
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("a time in seconds")
}

#[test]
fn ffprobe_reads_the_chapters_tags_and_true_duration() {
    for (rate, kbps) in [(22_050, 64), (44_100, 128), (48_000, 64)] {
        let samples = signal(rate, 10.0);
        let mp3 = encode(&samples, rate, kbps, &tags()).expect("encode");
        let Some(probe) = ffprobe(&mp3) else { return };
        let chapters = probe["chapters"].as_array().expect("chapters");
        assert_eq!(chapters.len(), 3, "{rate} Hz: {probe}");
        for (got, want) in chapters.iter().zip(&tags().chapters) {
            assert_eq!(got["tags"]["title"], want.title.as_str());
            let start = seconds(&got["start_time"]);
            let end = seconds(&got["end_time"]);
            assert!((start - f64::from(want.start_ms) / 1000.0).abs() <= 0.010);
            assert!((end - f64::from(want.end_ms) / 1000.0).abs() <= 0.010);
        }
        let format = &probe["format"];
        assert_eq!(format["tags"]["title"], "An Essay");
        assert_eq!(format["tags"]["artist"], "A. Writer");
        assert_eq!(format["tags"]["album"], "Narrations");
        // ffprobe counts whole frames, including LAME's encoder delay (which it reports
        // as the stream's start time, and which players skip) and the final padding.
        let stream = &probe["streams"][0];
        let duration = seconds(&format["duration"]) - seconds(&stream["start_time"]);
        assert!(
            (duration - 10.0).abs() <= 0.050,
            "{rate} Hz {kbps} kbps: ffprobe says {duration} s"
        );
        // A decoder that reads the Info tag gives back exactly the samples encoded.
        assert_eq!(decoded_len(&mp3), Some(samples.len()), "{rate} Hz");
        assert_eq!(stream["sample_rate"], rate.to_string().as_str());
        assert_eq!(stream["channels"], 1);
        assert_eq!(stream["bit_rate"], (kbps * 1000).to_string().as_str());
    }
}

#[test]
fn id3_has_one_top_level_ordered_toc_over_the_chapters() {
    let mp3 = encode(&signal(22_050, 10.0), 22_050, 64, &tags()).expect("encode");
    let tag = Tag::read_from2(Cursor::new(&mp3)).expect("an ID3 tag");
    assert_eq!(tag.version(), Version::Id3v23);
    assert_eq!(tag.title(), Some("An Essay"));
    assert_eq!(tag.artist(), Some("A. Writer"));
    assert_eq!(tag.album(), Some("Narrations"));
    let tocs: Vec<_> = tag.tables_of_contents().collect();
    assert_eq!(tocs.len(), 1);
    assert_eq!(tocs[0].element_id, TOC_ID);
    assert!(tocs[0].top_level && tocs[0].ordered);
    assert_eq!(tocs[0].elements, ["p1", "p2", "p3"]);
    let chapters: Vec<_> = tag.chapters().collect();
    assert_eq!(chapters.len(), 3);
    for (got, want) in chapters.iter().zip(&tags().chapters) {
        assert_eq!(got.element_id, want.id);
        assert_eq!((got.start_time, got.end_time), (want.start_ms, want.end_ms));
        assert_eq!(got.start_offset, u32::MAX);
        let title = got.frames.iter().find(|f| f.id() == "TIT2");
        let title = title.and_then(|f| f.content().text());
        assert_eq!(title, Some(want.title.as_str()));
    }
}

/// Walks the MPEG frames after the ID3 tag; returns the bit rate index of each.
fn frame_bitrates(mp3: &[u8]) -> Vec<u8> {
    let size = |b: &[u8]| b.iter().fold(0usize, |acc, &x| (acc << 7) | usize::from(x));
    let mut pos = 10 + size(&mp3[6..10]);
    let mut rates = Vec::new();
    while pos + 4 <= mp3.len() {
        let h = &mp3[pos..pos + 4];
        assert!(h[0] == 0xFF && h[1] & 0xE0 == 0xE0, "lost sync at {pos}");
        let mpeg1 = h[1] & 0x18 == 0x18;
        let bitrate_index = h[2] >> 4;
        let table = if mpeg1 { Mpeg::V1 } else { Mpeg::V2 }.bitrates();
        let kbps = table[usize::from(bitrate_index) - 1] as usize;
        let rate = match (h[1] >> 3 & 3, h[2] >> 2 & 3) {
            (3, 0) => 44_100,
            (3, 1) => 48_000,
            (3, 2) => 32_000,
            (2, 0) => 22_050,
            (2, 1) => 24_000,
            (2, 2) => 16_000,
            other => panic!("unexpected header {other:?}"),
        };
        let per_frame = if mpeg1 { 144 } else { 72 };
        pos += per_frame * kbps * 1000 / rate + usize::from(h[2] >> 1 & 1);
        rates.push(bitrate_index);
    }
    rates
}

#[test]
fn every_frame_has_the_same_bit_rate_and_the_info_tag_says_cbr() {
    for (rate, kbps) in [(22_050, 64), (44_100, 128)] {
        let mp3 = encode(&signal(rate, 5.0), rate, kbps, &tags()).expect("encode");
        let rates = frame_bitrates(&mp3);
        assert!(rates.len() > 100);
        assert!(
            rates.iter().all(|&r| r == rates[0]),
            "{rate} Hz: VBR frames"
        );
        // LAME names its header frame "Info" for CBR ("Xing" would mean VBR).
        let info = mp3.windows(4).position(|w| w == b"Info");
        assert!(info.is_some() && !mp3.windows(4).any(|w| w == b"Xing"));
    }
}

#[test]
fn bad_bit_rates_sample_rates_and_chapters_are_refused() {
    let samples = signal(22_050, 1.0);
    let no_tags = Tags::default();
    assert!(matches!(
        encode(&samples, 22_050, 192, &no_tags),
        Err(Error::Bitrate { kbps: 192, .. })
    ));
    assert!(matches!(
        encode(&samples, 44_100, 8, &no_tags),
        Err(Error::Bitrate { .. })
    ));
    assert!(matches!(
        encode(&samples, 22_000, 64, &no_tags),
        Err(Error::SampleRate { .. })
    ));
    let mut twice = tags();
    twice.chapters[2].id = "p1".to_owned();
    assert!(matches!(
        encode(&samples, 22_050, 64, &twice),
        Err(Error::Chapter { index: 2, .. })
    ));
    let mut backwards = tags();
    backwards.chapters[0].end_ms = 0;
    backwards.chapters[0].start_ms = 10;
    assert!(matches!(
        encode(&samples, 22_050, 64, &backwards),
        Err(Error::Chapter { index: 0, .. })
    ));
}

#[test]
fn no_samples_is_an_error_and_no_chapters_a_plain_file() {
    assert!(matches!(
        encode(&[], 22_050, 64, &tags()),
        Err(Error::Empty)
    ));
    let mp3 = encode(&[0.0; 1000], 22_050, 64, &Tags::default()).expect("encode");
    let tag = Tag::read_from2(Cursor::new(&mp3)).expect("an ID3 tag");
    assert_eq!(tag.tables_of_contents().count(), 0);
    assert_eq!(tag.chapters().count(), 0);
}

#[test]
fn a_tag_written_again_with_the_times_gives_the_same_file_as_knowing_them_first() {
    let samples = signal(22_050, 10.0);
    let known = encode(&samples, 22_050, 64, &tags()).expect("encode");
    // Started with every time at zero, as the episode is while paragraphs are rendered.
    let mut unknown = tags();
    for c in &mut unknown.chapters {
        (c.start_ms, c.end_ms) = (0, 0);
    }
    let mut writer = Writer::new(Cursor::new(Vec::new()), 22_050, 64, &unknown).expect("writer");
    let len = writer.audio_start();
    writer.push(&samples).expect("push");
    let mut out = writer.finish().expect("finish");
    out.set_position(0);
    write_tag(&mut out, len, &tags()).expect("retag");
    assert!(out.into_inner() == known, "the files differ");
    // A tag of another size would overwrite audio: refused.
    let mut longer = tags();
    longer.chapters[0].title.push_str(" and more");
    let err = write_tag(&mut Cursor::new(Vec::new()), len, &longer).expect_err("size changed");
    assert!(matches!(err, Error::TagSize { .. }), "{err}");
}
