//! `episode.mp3` made of segments, read back by ffmpeg, ffprobe, mpv and the id3 crate:
//! its length with and without gapless trimming, its Info frame, chapters and tag.
use std::io::Cursor;

use super::episode;
use super::segment::Segment;
use super::testing::*;
use super::*;

#[test]
fn an_episode_decodes_to_the_sum_of_its_paragraphs_with_and_without_gapless() {
    if !have("ffmpeg") || !have("ffprobe") {
        return;
    }
    let dir = tempfile::tempdir().expect("dir");
    for format in formats() {
        let rate = format.sample_rate();
        let what = format!("{rate} Hz {} kbps", format.kbps());
        let program = Program::new(format, &SPEECH_MS[..3]);
        let total = *program.starts().last().expect("an end");
        let (bytes, written) = program.episode();
        assert_eq!(written.samples, total as u64, "{what}");
        assert_eq!(written.tag_bytes + written.audio_bytes, bytes.len() as u64);
        let path = save(dir.path(), "episode.mp3", &bytes);
        let gapless = decode(&path, &[]);
        assert_eq!(gapless.len(), total, "{what}, gapless");
        // Nothing for a gapless decoder to trim: without it, the same samples.
        assert!(decode(&path, NO_GAPLESS) == gapless, "{what}, no gapless");
        let probe = probe(&path);
        let stream = &probe["streams"][0];
        assert_eq!(number(&stream["start_time"]), 0.0, "{what}");
        let duration = number(&probe["format"]["duration"]);
        let exact = total as f64 / f64::from(rate);
        assert!(
            (duration - exact).abs() < 1e-6,
            "{what}: {duration} s, not {exact}"
        );
        let chapters = probe["chapters"].as_array().expect("chapters");
        for (got, want) in chapters.iter().zip(&program.tags().chapters) {
            let start = number(&got["start_time"]);
            assert!(
                (start * 1000.0 - f64::from(want.start_ms)).abs() < 1e-6,
                "{what}"
            );
        }
    }
}

#[test]
fn a_segment_that_is_not_what_it_claims_is_refused() {
    let format = Format::new(48_000, 64).expect("format");
    let program = Program::new(format, &SPEECH_MS[..2]);
    let list: Vec<Segment> = program.segments.iter().map(|(s, _)| *s).collect();
    let whole = &program.segments[1].1;
    let mut extra = whole.clone();
    extra.extend_from_slice(&whole[..whole.len() / 2]);
    let cut = &whole[..whole.len() - 10];
    let other = Program::new(Format::new(48_000, 96).expect("format"), &SPEECH_MS[..1]);
    for (what, bad) in [
        ("cut", cut),
        ("longer", &extra[..]),
        ("another rate", &other.segments[0].1),
    ] {
        let err = episode::write(&mut Vec::new(), &Tags::default(), &list, |i| {
            Ok(Cursor::new(if i == 1 {
                bad
            } else {
                &program.segments[i].1[..]
            }))
        })
        .expect_err(what);
        assert!(
            matches!(err, Error::Segment { index: 1, .. }),
            "{what}: {err}"
        );
    }
    // A file named in the error.
    let dir = tempfile::tempdir().expect("dir");
    let good = save(dir.path(), "a.seg", &program.segments[0].1);
    let truncated = save(dir.path(), "b.seg", cut);
    let files = [(list[0], good.clone()), (list[1], truncated.clone())];
    let err = episode::write_files(&mut Vec::new(), &Tags::default(), &files).expect_err("cut");
    assert!(
        matches!(&err, Error::SegmentFile { path, .. } if *path == truncated),
        "{err}"
    );
    // A segment read back from its file is the one written.
    let scanned = Segment::scan(std::fs::File::open(&good).expect("open"), format).expect("scan");
    assert_eq!(scanned, list[0]);
    assert!(Segment::scan(cut, format).is_err());
    // Segments of two formats do not make one episode.
    let mixed = [list[0], other.segments[0].0];
    let err = episode::write(&mut Vec::new(), &Tags::default(), &mixed, |_| {
        Ok(Cursor::new(Vec::<u8>::new()))
    })
    .expect_err("two formats");
    assert!(matches!(err, Error::Segment { index: 1, .. }), "{err}");
}

/// The Info frame after the tag: (its bytes, the first audio frame's header).
fn info_frame(episode: &[u8]) -> (&[u8], [u8; 4]) {
    let header: [u8; 10] = episode[..10].try_into().expect("a tag header");
    let start = tag::tag_size(&header).expect("an ID3 tag");
    let head = |at: usize| -> [u8; 4] { episode[at..at + 4].try_into().expect("four bytes") };
    let len = frame::Header::parse(head(start))
        .expect("a frame")
        .frame_bytes();
    (&episode[start..start + len], head(start + len))
}

#[test]
fn the_info_frame_counts_the_frames_and_bytes_and_maps_time_to_bytes() {
    for format in formats() {
        let what = format!("{} Hz {} kbps", format.sample_rate(), format.kbps());
        let program = Program::new(format, &SPEECH_MS[..3]);
        let (bytes, written) = program.episode();
        let (info, audio) = info_frame(&bytes);
        let side = format.mpeg().mono_side_info();
        let at = 4 + side;
        let be = |i: usize| u32::from_be_bytes(info[i..i + 4].try_into().expect("four bytes"));
        assert_eq!(&info[at..at + 4], b"Info", "{what}");
        assert_eq!(be(at + 4), 7, "{what}: frames, bytes and table");
        assert_eq!(u64::from(be(at + 8)), written.frames, "{what}");
        assert_eq!(u64::from(be(at + 12)), written.audio_bytes, "{what}");
        assert!(info[4..at].iter().all(|&b| b == 0), "{what}: side info");
        let table = &info[at + 16..at + 116];
        assert!(table.windows(2).all(|w| w[0] <= w[1]), "{what}: {table:?}");
        assert!((i32::from(table[50]) - 128).abs() <= 3, "{what}: {table:?}");
        // The same stream as the audio: version, rate, mode and flags; the same bit rate
        // when an Info frame fits in one.
        let info_head = frame::Header::parse(info[..4].try_into().expect("4")).expect("header");
        assert_eq!(info[1], audio[1], "{what}");
        assert_eq!(info[2] & 0x0C, audio[2] & 0x0C, "{what}");
        assert_eq!(info[3], audio[3], "{what}");
        let fits =
            frame::frame_bytes(format.mpeg(), format.kbps(), format.sample_rate()) >= at + 116;
        assert_eq!(info_head.kbps == format.kbps(), fits, "{what}");
    }
}

#[test]
fn a_lame_extension_with_no_delay_would_make_ffmpeg_cut_529_samples() {
    // Why the Info frame has no LAME extension: ffmpeg skips the delay the extension says
    // plus 529, so even a delay of zero would cut the program's start.
    if !have("ffmpeg") {
        return;
    }
    let format = Format::new(44_100, 64).expect("format");
    let program = Program::new(format, &SPEECH_MS[..2]);
    let (mut bytes, _) = program.episode();
    let header: [u8; 10] = bytes[..10].try_into().expect("a tag header");
    let lame_at = tag::tag_size(&header).expect("a tag") + 4 + 17 + 116;
    let mut lame = [0u8; 36];
    lame[..9].copy_from_slice(b"LAME3.100");
    bytes[lame_at..lame_at + 36].copy_from_slice(&lame);
    let dir = tempfile::tempdir().expect("dir");
    let path = save(dir.path(), "lame.mp3", &bytes);
    let total = *program.starts().last().expect("an end");
    assert_eq!(decode(&path, &[]).len(), total - 529);
    assert_eq!(decode(&path, NO_GAPLESS).len(), total);
}

#[test]
fn a_new_title_is_written_over_the_tag_without_touching_the_audio() {
    let format = Format::new(44_100, 64).expect("format");
    let program = Program::new(format, &SPEECH_MS[..2]);
    let (bytes, written) = program.episode();
    let audio_at = written.tag_bytes as usize;
    assert_eq!(audio_at % 4096, 0, "the tag is padded to whole blocks");
    let mut tags = program.tags();
    tags.title = "A much longer title than before, with an artist to match".to_owned();
    tags.artist = "Somebody Else Entirely".to_owned();
    let mut file = Cursor::new(bytes.clone());
    retag(&mut file, &tags).expect("fits in the padding");
    let retagged = file.into_inner();
    assert_eq!(retagged.len(), bytes.len());
    assert!(
        retagged[audio_at..] == bytes[audio_at..],
        "the audio changed"
    );
    let read = id3::Tag::read_from2(Cursor::new(&retagged)).expect("a tag");
    use id3::TagLike;
    assert_eq!(read.title(), Some(tags.title.as_str()));
    assert_eq!(read.artist(), Some(tags.artist.as_str()));
    assert_eq!(read.chapters().count(), 2);
    // The same as writing the whole file with the new tag.
    let list: Vec<Segment> = program.segments.iter().map(|(s, _)| *s).collect();
    let mut whole = Vec::new();
    episode::write(&mut whole, &tags, &list, |i| {
        Ok(Cursor::new(&program.segments[i].1))
    })
    .expect("episode");
    assert!(whole == retagged, "retagging differs from writing anew");
    // A title too long for the padding is refused, and nothing is written.
    tags.title = "x".repeat(5_000);
    let mut file = Cursor::new(bytes.clone());
    let err = retag(&mut file, &tags).expect_err("too long");
    assert!(matches!(err, Error::TagSize { .. }), "{err}");
    assert!(file.into_inner() == bytes);
    assert!(matches!(
        retag(&mut Cursor::new(vec![0u8; 64]), &tags),
        Err(Error::NoTag)
    ));
}

#[test]
fn mpv_seeking_to_a_chapter_lands_on_its_first_sample() {
    if !have("mpv") || !have("ffmpeg") {
        return;
    }
    let format = Format::new(44_100, 64).expect("format");
    let rate = format.sample_rate();
    let program = Program::new(format, &SPEECH_MS);
    let dir = tempfile::tempdir().expect("dir");
    let path = save(dir.path(), "episode.mp3", &program.episode().0);
    let full = decode(&path, &[]);
    let tags = program.tags();
    for (n, (&start, chapter)) in program.starts().iter().zip(&tags.chapters).enumerate() {
        let out = dir.path().join(format!("mpv{n}.raw"));
        let status = std::process::Command::new("mpv")
            .args(["--no-config", "--really-quiet", "--no-video", "--ao=pcm"])
            .arg(format!("--ao-pcm-file={}", out.display()))
            .args([
                "--ao-pcm-waveheader=no",
                "--audio-format=float",
                "--length=0.5",
            ])
            .arg(format!("--start=#{}", n + 1))
            .arg(&path)
            .status()
            .expect("mpv runs");
        assert!(status.success(), "mpv failed on chapter {}", n + 1);
        let played: Vec<f32> = std::fs::read(&out)
            .expect("mpv's output")
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        assert!(
            played.len() > ms(rate, 400),
            "chapter {}: {} samples",
            n + 1,
            played.len()
        );
        // mpv seeks to the chapter's time, which ID3 keeps in whole milliseconds: it may land
        // up to half a millisecond from the paragraph's first sample, never a frame away.
        let chapter_sample = (u64::from(chapter.start_ms) * u64::from(rate)).div_ceil(1000);
        let landed = (0..full.len().saturating_sub(played.len()))
            .filter(|&at| at.abs_diff(start) <= ms(rate, 30))
            .find(|&at| full[at..at + played.len()] == played[..])
            .unwrap_or_else(|| panic!("chapter {}: mpv's audio is not the file's", n + 1));
        assert!(
            landed.abs_diff(start) <= ms(rate, 1) / 2 + 1,
            "chapter {}: landed at {landed}, the paragraph starts at {start}",
            n + 1
        );
        assert!(
            landed.abs_diff(chapter_sample as usize) <= 1,
            "chapter {}",
            n + 1
        );
    }
}
