//! What a run tells its caller as it goes ([`Events`]), and what it does not make.

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use super::{settings, Fake, SCRIPT};
use crate::config::Settings;
use crate::error::Error;
use crate::render::{Events, Session, Summary};
use crate::text::normalize::Lexicon;
use crate::text::{parse::parse, Format};

/// Every call, in order.
#[derive(Debug, Default)]
struct Recorder {
    calls: Vec<String>,
    audio: Vec<Duration>,
}

impl Events for Recorder {
    fn speaking(&mut self, pieces: usize, paragraphs: usize, chars: usize) {
        self.calls.push(format!(
            "speaking {pieces} pieces, {paragraphs} files, {chars} chars"
        ));
    }
    fn spoke(&mut self) {
        self.calls.push("spoke".into());
    }
    fn assembled(&mut self, chars: usize, audio: Duration) {
        self.calls.push(format!("assembled {chars} chars"));
        self.audio.push(audio);
    }
    fn failed(&mut self, index: usize, line: usize, error: &Error) {
        let _ = error;
        self.calls.push(format!("failed {index} on line {line}"));
    }
    fn spoken(&mut self) {
        self.calls.push("spoken".into());
    }
}

fn record(
    settings: &Settings,
    script: &str,
    engine: &mut Fake,
) -> (Recorder, Result<Summary, Error>) {
    let mut recorder = Recorder::default();
    let doc = parse(script, Format::Plain);
    let result = Session::new(settings, engine).run(
        &doc,
        &Lexicon::default(),
        &mut recorder,
        &AtomicBool::new(false),
    );
    (recorder, result)
}

#[test]
fn a_run_reports_what_it_will_speak_each_piece_and_each_paragraph() {
    let dir = tempfile::tempdir().expect("tempdir");
    let settings = settings(dir.path());
    let (first, result) = record(&settings, SCRIPT, &mut Fake::default());
    result.expect("render");
    // "First paragraph here." (21) "It has two sentences." (21), "Second paragraph is
    // short." (26), "Third paragraph talks." (22) "And talks." (10) twice.
    assert_eq!(
        first.calls,
        [
            "speaking 5 pieces, 3 files, 110 chars",
            "spoke",
            "spoke",
            "assembled 42 chars",
            "spoke",
            "assembled 26 chars",
            "spoke",
            "spoke",
            "assembled 42 chars",
            "spoken",
        ]
    );
    let manifest = super::load_manifest(dir.path());
    let audio: Vec<Duration> = manifest
        .paragraphs
        .iter()
        .map(|p| crate::audio::duration(p.frames, manifest.sample_rate))
        .collect();
    assert_eq!(first.audio, audio);
    // An edit speaks one piece of one file; what is kept is not counted.
    let edited = SCRIPT.replace("is short.", "is rather short.");
    let (edit, result) = record(&settings, &edited, &mut Fake::default());
    result.expect("render");
    assert_eq!(
        edit.calls,
        [
            "speaking 1 pieces, 1 files, 33 chars",
            "spoke",
            "assembled 33 chars",
            "spoken",
        ]
    );
    // A paragraph that fails is reported with its line.
    let failing = edited.replace("rather", "Broken");
    let mut engine = Fake {
        fail_on: Some("Broken".into()),
        ..Fake::default()
    };
    let (failed, result) = record(&settings, &failing, &mut engine);
    assert!(matches!(result, Err(Error::Partial { count: 1, total: 3 })));
    assert!(
        failed.calls.contains(&"failed 2 on line 2".to_owned()),
        "{:?}",
        failed.calls
    );
}

#[test]
fn without_an_episode_no_mp3_segment_is_made() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut settings = settings(dir.path());
    settings.master.episode = false;
    let (_, result) = record(&settings, SCRIPT, &mut Fake::default());
    let summary = result.expect("render");
    assert_eq!(summary.segments_encoded, 0);
    let segments = dir.path().join(".narrate/segments");
    let made = |dir: &Path| std::fs::read_dir(dir).map_or(0, |d| d.count());
    assert_eq!(made(&segments), 0);
}

#[test]
fn a_batch_is_spoken_when_its_first_piece_is_needed_not_before() {
    let dir = tempfile::tempdir().expect("tempdir");
    let settings = settings(dir.path());
    record(&settings, SCRIPT, &mut Fake::default())
        .1
        .expect("render");
    // The first paragraph and the third are edited; the second, whose file is gone, comes
    // whole from the cache, as do the first's first sentence and the third's last two.
    let second = &super::wavs(dir.path())[1];
    std::fs::remove_file(dir.path().join(second)).expect("remove");
    let edited = SCRIPT
        .replace("It has two sentences.", "It has two words.")
        .replace("Third paragraph talks.", "Third paragraph walks.");
    let (events, result) = record(&settings, &edited, &mut Fake::default());
    assert_eq!(
        events.calls,
        [
            "speaking 2 pieces, 3 files, 106 chars",
            "spoke",
            "assembled 38 chars",
            "assembled 26 chars",
            "spoke",
            "assembled 42 chars",
            "spoken",
        ]
    );
    let summary = result.expect("render");
    assert_eq!((summary.synthesized, summary.cached), (2, 4));
}
