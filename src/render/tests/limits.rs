//! A paragraph longer than its WAV file can hold is refused before any speech.

use std::time::Duration;

use super::settings;
use crate::error::{Error, InputError};
use crate::render::cache::EngineStamp;
use crate::render::finish::{refuse_too_long, WAV_MAX_FRAMES};
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
    // At one frame a second a WAV file holds WAV_MAX_FRAMES seconds. Two words at 60 words
    // a minute take 2 s; a sentence pause, head and tail add the rest.
    assert_eq!(WAV_MAX_FRAMES, 2_147_483_629);
    let limit = WAV_MAX_FRAMES;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut settings = settings(dir.path());
    settings.script.voice.rate = crate::engine::Rate(60);
    let at = |seconds: u64| {
        let mut settings = settings.clone();
        settings.layout.sentence_pause = Duration::from_secs(5);
        settings.layout.tail = Duration::from_secs(3);
        settings.layout.head = Duration::from_secs(seconds - 2 - 5 - 3);
        let script = "First line.\nTwo words.\n";
        refuse_too_long(&plan(script, &settings, Action::Assemble), &settings, 1)
    };
    at(limit).expect("exactly what a file holds");
    match at(limit + 1) {
        Err(Error::Input(InputError::TooLong {
            line,
            paragraph,
            rate,
            ..
        })) => assert_eq!((line, paragraph, rate), (1, 1, 1)),
        other => panic!("{other:?}"),
    }
    // Paragraphs that are kept are not spoken again, whatever their length.
    let mut long = settings.clone();
    long.layout.head = Duration::from_secs(limit);
    let keep = plan("Kept.\n", &long, Action::Keep);
    refuse_too_long(&keep, &long, 1).expect("a kept paragraph");
}
