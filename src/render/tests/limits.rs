//! A paragraph longer than its WAV file can hold is refused before any speech.

use std::time::Duration;

use super::settings;
use crate::error::{Error, InputError};
use crate::render::cache::EngineStamp;
use crate::render::finish::{fits_a_wav, refuse_too_long, WAV_MAX_FRAMES};
use crate::render::plan::{key, Action, Plan, Reason, Shape, Step};
use crate::script::prepare;
use crate::text::normalize::Lexicon;
use crate::text::{parse::parse, Format};

/// A plan whose paragraphs (one a line) are all to `action`.
fn plan(script: &str, settings: &crate::config::Settings, action: Action) -> Plan {
    let stamp = EngineStamp {
        version: "1".into(),
        sample_rate: 1,
        fingerprint: String::new(),
    };
    let shape = Shape {
        layout: &settings.layout,
        loudness: settings.master.loudness,
        episode_rate: 44_100,
    };
    let steps = prepare(&parse(script, Format::Plain), &Lexicon::default())
        .into_iter()
        .map(|p| Step {
            keyed: key(p, &settings.script.voice, &stamp, shape),
            action: action.clone(),
            reason: Reason::New,
        })
        .collect();
    Plan {
        steps,
        remove: Vec::new(),
        foreign: Vec::new(),
    }
}

#[test]
fn a_paragraph_is_refused_when_its_estimate_passes_what_a_wav_file_holds() {
    // At two frames a second a WAV file holds WAV_MAX_FRAMES / 2 seconds. Four words at
    // 60 words a minute take 4 s; two sentence pauses, the head and the tail add the rest.
    assert_eq!(WAV_MAX_FRAMES, 2_147_483_629);
    let limit_ms = WAV_MAX_FRAMES * 1000 / 2;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut settings = settings(dir.path());
    settings.script.voice.rate = crate::engine::Rate(60);
    let at = |ms: u64| {
        let mut settings = settings.clone();
        settings.layout.sentence_pause = Duration::from_secs(5);
        settings.layout.tail = Duration::from_secs(3);
        settings.layout.head = Duration::from_millis(ms - 4_000 - 2 * 5_000 - 3_000);
        let script = "A first line.\nTwo sentences. Four words.\n";
        refuse_too_long(&plan(script, &settings, Action::Assemble), &settings, 2)
    };
    at(limit_ms).expect("exactly what a file holds");
    match at(limit_ms + 1) {
        Err(Error::Input(InputError::TooLong {
            line,
            paragraph,
            rate,
            hours,
            limit,
            ..
        })) => {
            assert_eq!((line, paragraph, rate), (2, 2, 2));
            let limit_hours = limit_ms as f64 / 3_600_000.0;
            assert!((limit - limit_hours).abs() < 1e-9, "{limit}");
            assert!((hours - limit_hours).abs() < 1e-6, "{hours}");
            assert!(hours > limit);
        }
        other => panic!("{other:?}"),
    }
    // Paragraphs that are kept are not spoken again, whatever their length.
    let mut long = settings.clone();
    long.layout.head = Duration::from_millis(limit_ms * 2);
    let keep = plan("Kept.\n", &long, Action::Keep);
    refuse_too_long(&keep, &long, 2).expect("a kept paragraph");
}

#[test]
fn a_wav_file_holds_exactly_wav_max_frames() {
    // What stops audio longer than the estimate foresaw, before its file is written.
    assert!(fits_a_wav(WAV_MAX_FRAMES));
    assert!(!fits_a_wav(WAV_MAX_FRAMES + 1));
    // 36 bytes of header and 2 bytes a sample in a 32-bit size.
    assert!(36 + 2 * WAV_MAX_FRAMES <= u64::from(u32::MAX));
    assert!(36 + 2 * (WAV_MAX_FRAMES + 1) > u64::from(u32::MAX));
}
