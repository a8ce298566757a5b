//! Tests with the real joe voice and ONNX Runtime (`scripts/get-piper joe` installs both).
//! Without them these tests say so loudly and pass, except in CI (`CI=true`), where a
//! missing voice is a failure: `.ci/run` installs it.

use std::io::Write;

use super::*;
use crate::engine::{Pitch, Rate};

const JOE: &str = "en_US-joe-medium";

/// No noise: the output is a function of the text.
const QUIET: crate::engine::Noise = crate::engine::Noise {
    scale: Some(0.0),
    w: Some(0.0),
};

/// The joe voice, or `None` (after a loud notice) on a machine without it.
fn joe(noise: Option<crate::engine::Noise>) -> Option<Piper> {
    match Piper::open(&VoiceId(JOE.into()), noise.unwrap_or_default()) {
        Ok(piper) => Some(piper),
        Err(e @ (EngineError::Missing { .. } | EngineError::UnknownVoice { .. })) => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("CI must have the joe voice and ONNX Runtime (.ci/run runs scripts/get-piper joe): {e}");
            }
            // Straight to stderr: libtest captures eprintln! of passing tests.
            let _ = writeln!(
                std::io::stderr(),
                "\n*** SKIPPED: Piper test without the joe voice or ONNX Runtime: {e}\n\
                 *** run `scripts/get-piper joe` to run it\n"
            );
            None
        }
        Err(e) => panic!("the joe voice is installed but does not open: {e}"),
    }
}

fn speak(piper: &mut Piper, text: &str) -> Speech {
    piper
        .synthesize(&SynthRequest {
            text,
            rate: Rate(175),
            pitch: Pitch(50),
        })
        .expect("synthesis works")
}

/// Ids of `phonemes` looked up by hand in en_US-joe-medium.onnx.json's `phoneme_id_map`,
/// framed as `^ _ (p _)* $`.
fn by_hand(phonemes: &str) -> Vec<i64> {
    let map: &[(char, i64)] = &[
        ('!', 4),
        (',', 8),
        ('.', 10),
        (':', 11),
        (';', 12),
        ('?', 13),
        (' ', 3),
        ('d', 17),
        ('e', 18),
        ('h', 20),
        ('k', 23),
        ('l', 24),
        ('n', 26),
        ('o', 27),
        ('p', 28),
        ('s', 31),
        ('t', 32),
        ('w', 35),
        ('z', 38),
        ('ŋ', 44),
        ('ɑ', 51),
        ('ə', 59),
        ('ɜ', 62),
        ('ɪ', 74),
        ('ɹ', 88),
        ('ʊ', 100),
        ('ˈ', 120),
        ('ː', 122),
    ];
    let mut ids = vec![1, 0];
    for c in phonemes.chars() {
        let (_, id) = map
            .iter()
            .find(|(p, _)| *p == c)
            .expect("a phoneme of the table");
        ids.extend([*id, 0]);
    }
    ids.push(2);
    ids
}

#[test]
fn phoneme_ids_with_clause_punctuation_match_ids_worked_out_by_hand() {
    let Some(piper) = joe(None) else { return };
    let cases: &[(&str, &[&str])] = &[
        ("Hello, world.", &["həlˈoʊ, wˈɜːld."]),
        ("Stop: look; listen!", &["stˈɑːp: lˈʊk; lˈɪsən!"]),
        // Two sentences for espeak-ng, so two runs of the model, as piper-tts does.
        ("Is it raining? No.", &["ɪz ɪt ɹˈeɪnɪŋ?", "nˈoʊ."]),
    ];
    for (text, sentences) in cases {
        let expected: Vec<Vec<i64>> = sentences.iter().map(|s| by_hand(s)).collect();
        assert_eq!(
            piper.phoneme_ids(text).expect("phonemizes"),
            expected,
            "{text}"
        );
    }
    // The same ids piper-tts 1.8 gives for "Hello, world." with this voice.
    assert_eq!(
        piper.phoneme_ids("Hello, world.").expect("phonemizes")[0],
        [
            1, 0, 20, 0, 59, 0, 24, 0, 120, 0, 27, 0, 100, 0, 8, 0, 3, 0, 35, 0, 120, 0, 62, 0,
            122, 0, 24, 0, 17, 0, 10, 0, 2
        ]
    );
}

#[test]
fn with_noise_scales_0_the_same_sentence_gives_identical_samples_twice() {
    let Some(mut piper) = joe(Some(QUIET)) else {
        return;
    };
    let text = "The same sentence, spoken twice, must sound the same.";
    let first = speak(&mut piper, text);
    speak(&mut piper, "Something else in between.");
    let second = speak(&mut piper, text);
    assert!(
        first.samples.len() > 22050,
        "{} samples",
        first.samples.len()
    );
    assert!(first.samples == second.samples, "the samples differ");
    assert!(
        piper.fingerprint().contains("scales 0 1 0"),
        "{}",
        piper.fingerprint()
    );
}

#[test]
fn a_batch_spread_over_the_workers_gives_each_request_its_own_speech() {
    let Some(mut piper) = joe(Some(QUIET)) else {
        return;
    };
    let texts = [
        "A short one.",
        "This request is a good deal longer than the others, so it goes first.",
        "Two sentences here. Each is a job of its own!",
        "Last.",
    ];
    let alone: Vec<Vec<i16>> = texts.iter().map(|t| speak(&mut piper, t).samples).collect();
    let requests: Vec<SynthRequest<'_>> = texts
        .iter()
        .map(|text| SynthRequest {
            text,
            rate: Rate(175),
            pitch: Pitch(50),
        })
        .collect();
    let batch = piper.synthesize_all(&requests);
    assert_eq!(batch.len(), texts.len());
    for ((text, alone), batched) in texts.iter().zip(&alone).zip(batch) {
        let batched = batched.expect("synthesis works").samples;
        assert!(alone.len() > 5000, "{text:?}: {} samples", alone.len());
        assert!(*alone == batched, "{text:?}: the batch gave other samples");
    }
}

#[test]
fn a_sentence_is_speech_of_plausible_length_and_loudness() {
    // Without noise, so that the lengths compared are the voice's, not a draw of its noise.
    let Some(mut piper) = joe(Some(QUIET)) else {
        return;
    };
    assert_eq!(piper.sample_rate(), 22050);
    assert!(
        piper.version().contains("onnxruntime"),
        "{}",
        piper.version()
    );
    let speech = speak(&mut piper, "This sentence has seven words in it.");
    let seconds = speech.samples.len() as f64 / 22050.0;
    assert!((1.2..4.5).contains(&seconds), "{seconds} s");
    let peak = speech.samples.iter().map(|s| s.unsigned_abs()).max();
    assert!(
        peak > Some(30000),
        "scaled to full peak as piper-tts does: {peak:?}"
    );
    // Faster rate, shorter speech.
    let fast = piper
        .synthesize(&SynthRequest {
            text: "This sentence has seven words in it.",
            rate: Rate(350),
            pitch: Pitch(50),
        })
        .expect("synthesis works");
    assert!(fast.samples.len() < speech.samples.len() * 3 / 4);
}

#[test]
fn text_without_phonemes_is_silence_not_an_error() {
    let Some(mut piper) = joe(None) else { return };
    assert!(speak(&mut piper, "").samples.is_empty());
}
