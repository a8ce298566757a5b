use super::*;
use crate::script::Sentence;

fn paragraph(index: usize, speech: &[&str]) -> Paragraph {
    Paragraph {
        index,
        title: format!("p{index}"),
        file: format!("{index:02}.wav"),
        line: index,
        chapter: None,
        sentences: speech
            .iter()
            .map(|s| Sentence {
                text: (*s).to_owned(),
                speech: (*s).to_owned(),
                pieces: vec![(*s).to_owned()],
            })
            .collect(),
    }
}

#[test]
fn utterances_follow_the_script_or_one_paragraph() {
    let paragraphs = [
        paragraph(1, &["One.", "Two [[tu:]] too."]),
        paragraph(2, &["Three."]),
    ];
    let script = Path::new("essay.txt");
    let all = utterances(&paragraphs, None, script).expect("all");
    let texts: Vec<(usize, &str)> = all.iter().map(|u| (u.paragraph, u.text.as_str())).collect();
    assert_eq!(texts, [(1, "One."), (1, "Two too."), (2, "Three.")]);
    let second = utterances(&paragraphs, NonZeroUsize::new(2), script).expect("second");
    assert_eq!(second.len(), 1);
    let e = utterances(&paragraphs, NonZeroUsize::new(3), script).expect_err("no third");
    assert!(
        e.to_string().contains("no paragraph 3: the script has 2"),
        "{e}"
    );
}

#[test]
fn rate_and_pitch_meet_the_service_normal_at_narrate_defaults() {
    let speechd = (-100.0, 0.0, 100.0);
    let wpm = (80.0, 175.0, 450.0);
    assert_eq!(scale(175.0, wpm, speechd), 0.0);
    assert_eq!(scale(450.0, wpm, speechd), 100.0);
    assert_eq!(scale(80.0, wpm, speechd), -100.0);
    assert_eq!(scale(312.5, wpm, speechd), 50.0);
    assert_eq!(scale(1000.0, wpm, speechd), 100.0, "clamped");
    // AVFoundation: 0.1 ..= 0.5 ..= 2.0 (a lopsided range).
    assert_eq!(scale(175.0, wpm, (0.1, 0.5, 2.0)), 0.5);
    assert!((scale(127.5, wpm, (0.1, 0.5, 2.0)) - 0.3).abs() < 1e-6);
    assert_eq!(scale(50.0, (0.0, 50.0, 100.0), (0.5, 1.0, 2.0)), 1.0);
}

#[test]
fn the_deadline_grows_with_the_sentence() {
    let short = speaking_deadline("Hi.", 175);
    let long = speaking_deadline(&"word ".repeat(175), 175);
    assert!(short < START_TIMEOUT + Duration::from_secs(1), "{short:?}");
    assert_eq!(long, Duration::from_secs(120) + START_TIMEOUT);
}

#[test]
fn sound_output_is_found_or_reported_missing() {
    let none = |_: &Path| false;
    let runtime = Path::new("/run/user/1000");
    assert_eq!(sound_output(None, Some(runtime), &[], none), None);
    let capture_only = ["controlC0".to_owned(), "pcmC0D0c".to_owned()];
    assert_eq!(sound_output(None, None, &capture_only, none), None);
    let playback = ["pcmC0D0c".to_owned(), "pcmC1D3p".to_owned()];
    assert_eq!(
        sound_output(None, None, &playback, none).as_deref(),
        Some("/dev/snd/pcmC1D3p")
    );
    let pipewire = |p: &Path| p == Path::new("/run/user/1000/pipewire-0");
    assert_eq!(
        sound_output(None, Some(runtime), &[], pipewire).as_deref(),
        Some("/run/user/1000/pipewire-0")
    );
    assert!(sound_output(Some("tcp:host"), None, &[], none).is_some());
    assert_eq!(sound_output(Some(" "), None, &[], none), None);
}
