//! The episode: paragraph files padded to whole MP3 frames, and episode.mp3 from cached
//! per-paragraph segments.

use std::path::{Path, PathBuf};

use super::{damage_inside, load_manifest, run, run_with, settings, Fake, SCRIPT};
use crate::text::normalize::Lexicon;

/// The MP3 segments cached in the output folder `out`, in name order.
fn cached_segments(out: &Path) -> Vec<PathBuf> {
    let files = std::fs::read_dir(out.join(".narrate/segments")).expect("the segment cache");
    let mut segments: Vec<PathBuf> = files
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "mp3"))
        .collect();
    segments.sort();
    segments
}

#[test]
fn every_paragraph_file_is_whole_mp3_frames_at_the_episode_rate() {
    for episode_rate in [44_100, 48_000, 22_050] {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut settings = settings(dir.path());
        settings.master.sample_rate = episode_rate;
        run_with(&settings, SCRIPT, &mut Fake::default(), &Lexicon::default()).expect("render");
        let manifest = load_manifest(dir.path());
        let step = crate::audio::mp3::segment::padding_step(manifest.sample_rate, episode_rate)
            .expect("a step");
        for p in &manifest.paragraphs {
            assert_eq!(p.frames % step, 0, "{} at {episode_rate} Hz", p.file);
            let at_episode = p.frames * u64::from(episode_rate);
            assert_eq!(at_episode % u64::from(manifest.sample_rate), 0);
            let frame = if episode_rate >= 32_000 { 1152 } else { 576 };
            assert_eq!(at_episode / u64::from(manifest.sample_rate) % frame, 0);
            // The padding is less than one step past the tail.
            let last = p.sentences.last().expect("sentences").end;
            let tail = crate::audio::frames(settings.layout.tail, manifest.sample_rate);
            assert!(p.frames - last - tail < step, "{}", p.file);
        }
    }
}

#[test]
fn an_edit_encodes_one_mp3_segment_and_the_episode_equals_a_clean_builds() {
    let a = tempfile::tempdir().expect("tempdir");
    let b = tempfile::tempdir().expect("tempdir");
    let first = run(a.path(), SCRIPT, &mut Fake::default());
    assert_eq!((first.segments_encoded, first.segments_reused), (3, 0));
    // The MP3 segments (each has its loudness blocks beside it).
    let segments = |out: &Path| {
        let files = std::fs::read_dir(out.join(".narrate/segments")).expect("the segment cache");
        let names: Vec<String> = files
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        let blocks = names.iter().filter(|n| n.ends_with(".blocks.json")).count();
        let mp3s = names.iter().filter(|n| n.ends_with(".mp3")).count();
        assert_eq!(blocks, mp3s, "{names:?}");
        mp3s
    };
    assert_eq!(segments(a.path()), 3);
    let edited = SCRIPT.replace(
        "Second paragraph is short.",
        "Second paragraph is rather short.",
    );
    let edit = run(a.path(), &edited, &mut Fake::default());
    assert!(edit.episode_written);
    assert_eq!((edit.segments_encoded, edit.segments_reused), (1, 2));
    assert_eq!(segments(a.path()), 4);
    let clean = run(b.path(), &edited, &mut Fake::default());
    assert_eq!((clean.segments_encoded, clean.segments_reused), (3, 0));
    let mp3 =
        |out: &Path| std::fs::read(out.join(crate::render::episode::MP3)).expect("episode.mp3");
    assert!(mp3(a.path()) == mp3(b.path()), "episode.mp3 differs");
    // Undoing the edit finds the first segment again: nothing is encoded.
    let undo = run(a.path(), SCRIPT, &mut Fake::default());
    assert_eq!((undo.segments_encoded, undo.segments_reused), (0, 3));
    // The episode decodes to the paragraphs, whole frames each: its length is theirs.
    let manifest = load_manifest(a.path());
    let episode = manifest.episode.expect("an episode");
    let samples: u64 = manifest.paragraphs.iter().map(|p| p.frames).sum();
    assert_eq!(episode.frames * 8_000, samples * 44_100);
}

#[test]
fn a_damaged_mp3_segment_is_encoded_again_with_a_warning() {
    let dir = tempfile::tempdir().expect("tempdir");
    run(dir.path(), SCRIPT, &mut Fake::default());
    let before = std::fs::read(dir.path().join(crate::render::episode::MP3)).expect("mp3");
    let victim = cached_segments(dir.path()).remove(0);
    let mut bytes = std::fs::read(&victim).expect("segment");
    bytes.truncate(bytes.len() / 2);
    std::fs::write(&victim, bytes).expect("damage");
    // A change of title rewrites the episode, not the paragraphs.
    let mut settings = settings(dir.path());
    settings.credits.title = Some("Another title".into());
    let summary =
        run_with(&settings, SCRIPT, &mut Fake::default(), &Lexicon::default()).expect("render");
    assert_eq!((summary.segments_encoded, summary.segments_reused), (1, 2));
    assert!(
        summary
            .warnings
            .iter()
            .any(|w| w.contains("damaged MP3 segment")),
        "{:?}",
        summary.warnings
    );
    let after = std::fs::read(dir.path().join(crate::render::episode::MP3)).expect("mp3");
    // Only the tag (the title) differs: the audio is the same.
    assert_eq!(before.len(), after.len());
}

#[test]
fn a_segment_damaged_inside_is_found_while_copying_and_the_episode_comes_out_as_a_clean_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    run(dir.path(), SCRIPT, &mut Fake::default());
    let victims = cached_segments(dir.path());
    let victim = &victims[1];
    damage_inside(victim);
    let bytes = std::fs::read(victim).expect("damaged");
    let mut settings = settings(dir.path());
    settings.credits.title = Some("Another title".into());
    let summary =
        run_with(&settings, SCRIPT, &mut Fake::default(), &Lexicon::default()).expect("render");
    assert_eq!((summary.segments_encoded, summary.segments_reused), (1, 2));
    assert!(
        summary
            .warnings
            .iter()
            .any(|w| w.contains("damaged MP3 segment")
                && w.contains(&*victim.file_name().expect("name").to_string_lossy())),
        "{:?}",
        summary.warnings
    );
    let episode = |dir: &std::path::Path| {
        std::fs::read(dir.join(crate::render::episode::MP3)).expect("episode.mp3")
    };
    let clean = tempfile::tempdir().expect("tempdir");
    let mut fresh = self::settings(clean.path());
    fresh.credits.title = Some("Another title".into());
    run_with(&fresh, SCRIPT, &mut Fake::default(), &Lexicon::default()).expect("render");
    assert!(
        episode(dir.path()) == episode(clean.path()),
        "not the clean build's episode"
    );
    assert_eq!(std::fs::read(victim).expect("segment").len(), bytes.len());
    assert_ne!(
        std::fs::read(victim).expect("segment"),
        bytes,
        "the segment is replaced"
    );
}

#[test]
fn a_new_title_rewrites_only_the_tag_and_a_new_bit_rate_every_segment() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path();
    run(out, SCRIPT, &mut Fake::default());
    let mp3 = || std::fs::read(out.join(crate::render::episode::MP3)).expect("episode.mp3");
    let before = mp3();
    let mut settings = settings(out);
    settings.credits.title = Some("Another title".into());
    let again = |s: &crate::config::Settings| {
        run_with(s, SCRIPT, &mut Fake::default(), &Lexicon::default()).expect("render")
    };
    let retitled = again(&settings);
    assert!(retitled.episode_written);
    assert_eq!(
        (retitled.segments_encoded, retitled.segments_reused),
        (0, 3)
    );
    assert_eq!(retitled.written, 0, "no paragraph file is written again");
    let after = mp3();
    // The same audio after the tag (the tag is padded to a fixed size).
    let audio = |bytes: &[u8]| bytes[bytes.len() - 2_000..].to_vec();
    assert_ne!(before, after);
    assert_eq!(audio(&before), audio(&after));
    settings.master.bitrate = 96;
    let faster = again(&settings);
    assert_eq!((faster.segments_encoded, faster.segments_reused), (3, 0));
    assert_eq!(
        faster.written, 0,
        "the paragraphs do not depend on the bit rate"
    );
    settings.master.sample_rate = 48_000;
    let resampled = again(&settings);
    assert_eq!(
        (resampled.segments_encoded, resampled.segments_reused),
        (3, 0)
    );
    assert_eq!(
        resampled.written, 3,
        "the padding depends on the episode rate"
    );
}

/// A square PNG cover of `size` pixels (its header: all the checks and tags need).
fn cover(size: u32) -> crate::config::Cover {
    crate::config::Cover {
        path: "cover.png".into(),
        kind: crate::output::book::ImageKind::Png,
        size,
        bytes: std::sync::Arc::new(crate::output::image::tests::png_of(size, size)),
    }
}

#[test]
fn new_metadata_or_a_new_cover_rewrites_only_the_tag() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path();
    run(out, SCRIPT, &mut Fake::default());
    let mp3 = || std::fs::read(out.join(crate::render::episode::MP3)).expect("episode.mp3");
    let audio = |bytes: &[u8]| bytes[bytes.len() - 2_000..].to_vec();
    let mut settings = settings(out);
    let mut previous = mp3();
    let changes: [&dyn Fn(&mut crate::config::Credits); 7] = [
        &|c| c.album = Some("The Show".into()),
        &|c| c.date = crate::config::Date::parse("2024-03-05"),
        &|c| c.genre = Some("Podcast".into()),
        &|c| c.description = Some("About it.".into()),
        &|c| c.track = Some(3),
        &|c| c.cover = Some(cover(600)),
        // The same path, other bytes: the cover is known by its bytes.
        &|c| c.cover = Some(cover(700)),
    ];
    for (i, change) in changes.iter().enumerate() {
        change(&mut settings.credits);
        let summary =
            run_with(&settings, SCRIPT, &mut Fake::default(), &Lexicon::default()).expect("run");
        assert!(summary.episode_written, "change {i}");
        assert_eq!(
            (
                summary.segments_encoded,
                summary.segments_reused,
                summary.written
            ),
            (0, 3, 0),
            "change {i}: no segment encoded, no paragraph written"
        );
        let now = mp3();
        assert_ne!(now, previous, "change {i}");
        assert_eq!(audio(&now), audio(&previous), "change {i}");
        previous = now;
    }
    let same = run_with(&settings, SCRIPT, &mut Fake::default(), &Lexicon::default()).expect("run");
    assert!(!same.episode_written, "nothing changed, nothing rewritten");
}

#[test]
fn episode_wav_is_every_paragraph_file_at_the_episode_rate() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut settings = settings(dir.path());
    settings.master.episode_wav = true;
    run_with(&settings, SCRIPT, &mut Fake::default(), &Lexicon::default()).expect("render");
    let manifest = load_manifest(dir.path());
    let read = |name: &str| -> (u32, Vec<f64>) {
        let mut wav = hound::WavReader::open(dir.path().join(name)).expect("a WAV file");
        let rate = wav.spec().sample_rate;
        let samples = match wav.spec().sample_format {
            hound::SampleFormat::Int => wav
                .samples::<i32>()
                .map(|s| f64::from(s.expect("a sample")))
                .collect(),
            hound::SampleFormat::Float => wav
                .samples::<f32>()
                .map(|s| f64::from(s.expect("a sample")) * 32768.0)
                .collect(),
        };
        (rate, samples)
    };
    let (rate, episode) = read(crate::render::episode::WAV);
    assert_eq!(rate, settings.master.sample_rate);
    let rms = |s: &[f64]| (s.iter().map(|x| x * x).sum::<f64>() / s.len() as f64).sqrt();
    let mut start = 0usize;
    for p in &manifest.paragraphs {
        let (from, samples) = read(&p.file);
        assert_eq!(samples.len() as u64, p.frames);
        let len = (p.frames * u64::from(rate) / u64::from(from)) as usize;
        let part = &episode[start..start + len];
        let ratio = rms(part) / rms(&samples);
        assert!((0.95..1.05).contains(&ratio), "{}: {ratio}", p.file);
        start += len;
    }
    assert_eq!(start, episode.len(), "the paragraphs and nothing else");
    // After an edit, the kept paragraphs come from their files: the clean build's episode.
    let edited = SCRIPT.replace("is short.", "is rather short.");
    run_with(
        &settings,
        &edited,
        &mut Fake::default(),
        &Lexicon::default(),
    )
    .expect("edit");
    let clean = tempfile::tempdir().expect("tempdir");
    let mut clean_settings = settings.clone();
    clean_settings.output = clean.path().to_path_buf();
    run_with(
        &clean_settings,
        &edited,
        &mut Fake::default(),
        &Lexicon::default(),
    )
    .expect("clean");
    let wav = |dir: &Path| std::fs::read(dir.join(crate::render::episode::WAV)).expect("read");
    assert_eq!(wav(dir.path()), wav(clean.path()));
}

#[test]
fn a_segment_gone_from_the_cache_is_encoded_again_without_a_warning() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut settings = settings(dir.path());
    run_with(&settings, SCRIPT, &mut Fake::default(), &Lexicon::default()).expect("render");
    let episode = std::fs::read(dir.path().join(crate::render::episode::MP3)).expect("read");
    std::fs::remove_file(&cached_segments(dir.path())[0]).expect("remove");
    // A new title rewrites the episode from the segments.
    settings.credits.title = Some("Another".into());
    let s = run_with(&settings, SCRIPT, &mut Fake::default(), &Lexicon::default());
    let s = s.expect("render");
    assert_eq!((s.segments_encoded, s.segments_reused), (1, 2));
    assert_eq!(s.warnings, Vec::<String>::new());
    settings.credits.title = None;
    let s = run_with(&settings, SCRIPT, &mut Fake::default(), &Lexicon::default());
    assert_eq!(s.expect("render").segments_encoded, 0);
    let again = std::fs::read(dir.path().join(crate::render::episode::MP3)).expect("read");
    assert_eq!(again, episode);
}
