use super::*;
use crate::engine::external::SAMPLE_RATE;
use crate::engine::{Engine, Pitch, SynthRequest};

#[test]
fn rate_maps_words_per_minute_onto_sapi_steps() {
    let steps: Vec<i32> = [58, 80, 150, 175, 200, 300, 450, 600]
        .into_iter()
        .map(|wpm| sapi_rate(Rate(wpm)))
        .collect();
    assert_eq!(steps, [-10, -7, -1, 0, 1, 5, 9, 10]);
}

#[test]
fn pitch_other_than_normal_is_refused() {
    assert!(external::check_pitch(Pitch(50), ENGINE).is_ok());
    let e = external::check_pitch(Pitch(20), ENGINE).expect_err("pitch");
    assert!(e.to_string().contains("cannot change the pitch"), "{e}");
}

#[test]
fn hostile_text_stays_a_json_string() {
    let text = "'; Remove-Item C:\\ -Recurse; \"$(calc)\" `n <speak>";
    let json = serde_json::to_string(&Request::Speak {
        voice: "Microsoft Zira Desktop",
        rate: -3,
        text,
    })
    .expect("json");
    let back: serde_json::Value = serde_json::from_str(&json).expect("parse");
    assert_eq!(back["action"], "speak");
    assert_eq!(back["text"], text);
    assert_eq!(back["rate"], -3);
    assert_eq!(
        serde_json::to_string(&Request::Voices).expect("json"),
        r#"{"action":"voices"}"#
    );
}

#[test]
fn the_script_reads_its_input_as_data_and_speaks_plain_text() {
    for banned in [
        "Invoke-Expression",
        "iex ",
        "SpeakSsml",
        "AppendSsml",
        "& $",
        "$(",
    ] {
        assert!(!SCRIPT.contains(banned), "the script uses {banned}");
    }
    assert!(SCRIPT.contains("$synth.Speak([string]$req.text)"));
    assert!(SCRIPT.contains("ConvertFrom-Json"));
    let args = arguments(Path::new("C:/t/s.ps1"), Path::new("C:/t/request.json"));
    assert_eq!(
        args[args.len() - 4..],
        ["-File", "C:/t/s.ps1", "-Request", "C:/t/request.json"]
    );
}

#[test]
fn voice_lists_parse_in_every_shape_powershell_writes() {
    let many = "\u{feff}{\"os\":\"10.0.22631.0\",\"voices\":[\
        {\"name\":\"Microsoft David Desktop\",\"culture\":\"en-US\",\"gender\":\"Male\"},\
        {\"name\":\"Microsoft Hazel Desktop\",\"culture\":\"en-GB\",\"gender\":\"Female\"}]}";
    let (os, voices) = parse_voices(many).expect("many");
    assert_eq!(os, "10.0.22631.0");
    assert_eq!(voices.len(), 2);
    assert_eq!(voices[1].id.0, "Microsoft Hazel Desktop");
    assert_eq!(voices[1].language, "en-GB");
    assert_eq!(voices[1].gender.as_deref(), Some("female"));

    let one = r#"{"os":"10.0","voices":{"name":"Zira","culture":"en-US","gender":"NotSet"}}"#;
    let (_, voices) = parse_voices(one).expect("one");
    assert_eq!(voices.len(), 1);
    assert_eq!(voices[0].gender, None);

    let (_, none) = parse_voices(r#"{"os":"10.0","voices":null}"#).expect("none");
    assert!(none.is_empty());
    assert!(parse_voices("not json").is_err());
}

/// A stand-in for powershell.exe: answers the voice request, or copies a prepared WAV file
/// to speech.wav and keeps the request for the test to read.
#[cfg(unix)]
#[test]
fn engine_runs_the_script_with_a_request_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let fixture = dir.path().join("fixture.wav");
    let mut pcm = vec![0i16; 100];
    pcm.extend([9000i16, -9000].repeat(500));
    crate::audio::wav::write_i16(&fixture, dir.path(), &pcm, SAMPLE_RATE).expect("fixture");
    let log = dir.path().join("requests");
    let stand_in = format!(
        "#!/bin/sh\n\
         for a in \"$@\"; do request=\"$a\"; done\n\
         work=$(dirname \"$request\")\n\
         cat \"$request\" >> '{log}'; echo >> '{log}'\n\
         if grep -q '\"action\":\"voices\"' \"$request\"; then\n\
           printf '%s' '{{\"os\":\"10.0.1\",\"voices\":[{{\"name\":\"Microsoft Zira Desktop\",\"culture\":\"en-US\",\"gender\":\"Female\"}}]}}' > \"$work/voices.json\"\n\
         else cp '{fixture}' \"$work/speech.wav\"; fi\n",
        log = log.display(),
        fixture = fixture.display(),
    );
    let program = dir.path().join("powershell");
    std::fs::write(&program, stand_in).expect("stand-in");
    std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).expect("chmod");

    let mut sapi = Sapi::with_program(program, &VoiceId("en-us".into())).expect("open");
    assert!(
        sapi.version().starts_with("Windows 10.0.1, 1 voices #"),
        "{}",
        sapi.version()
    );
    assert_eq!(sapi.voices().expect("voices")[0].language, "en-US");
    let speech = sapi
        .synthesize(&SynthRequest {
            text: "It's \"quoted\" [[h@'loU]] $(whoami).",
            rate: Rate(300),
            pitch: Pitch(50),
        })
        .expect("synthesize");
    assert_eq!(speech.sample_rate, SAMPLE_RATE);
    assert_eq!(
        speech.samples.len(),
        100 + 1000,
        "a 441-sample margin keeps all 100 zeros"
    );
    let requests = std::fs::read_to_string(&log).expect("log");
    let speak: serde_json::Value =
        serde_json::from_str(requests.lines().nth(1).expect("second request")).expect("json");
    assert_eq!(speak["voice"], "Microsoft Zira Desktop");
    assert_eq!(speak["rate"], 5);
    assert_eq!(speak["text"], "It's \"quoted\" $(whoami).");
}
