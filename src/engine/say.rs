//! macOS's own voices through the `say` program.
//!
//! `say` ships with every macOS, speaks with every system voice (including downloaded
//! Enhanced and Premium ones) and writes WAV files, so it needs no linking against Apple
//! frameworks and no extra crate; the in-process alternative (AVSpeechSynthesizer's
//! `write(_:toBufferCallback:)`, macOS 10.15+) would bring Objective-C bindings for the same
//! samples. Each sentence is one run of
//!
//! ```text
//! say --voice=NAME --rate=WPM --input-file=in.txt --output-file=out.wav
//!     --file-format=WAVE --data-format=LEI16@22050
//! ```
//!
//! (WAVE output fails without `--data-format`). The text goes through a file, never the
//! command line, after [`external::plain_text`] removed every bracket, so it cannot carry an
//! embedded command (`[[rate 500]]`); the voice is one of `say --voice=?`'s names, checked
//! before the run, and each value is its own `--option=value` argument, so nothing in it can
//! be read as an option. `say` has no pitch option (only the embedded `pbas` command, which
//! the newer voices ignore), so a pitch other than 50 is refused rather than ignored.
//!
//! Only the pure parts (voice list parsing, the argument list) are tested on Linux; the
//! engine runs a fake `say` there. Timings come from synthesizing sentence by sentence.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::external::{self, External, Line, Program, SAMPLE_RATE};
use super::{EngineError, EngineKind, Rate, VoiceId, VoiceInfo};

const ENGINE: &str = "say";
const HINT: &str = "the say engine is macOS's speech synthesizer; elsewhere use --engine espeak";

/// Parses `say --voice=?`: one voice a line, `Name  lang_REGION  # sample sentence`. Names
/// may hold spaces and parentheses (`Eddy (English (US))`); the language is the last word
/// before the `#`.
pub fn parse_voices(listing: &str) -> Vec<VoiceInfo> {
    listing
        .lines()
        .filter_map(|line| {
            let head = line
                .split_once('#')
                .map_or(line, |(head, _)| head)
                .trim_end();
            let (name, language) = head.rsplit_once(char::is_whitespace)?;
            let name = name.trim();
            if name.is_empty() || language.is_empty() {
                return None;
            }
            Some(VoiceInfo {
                id: VoiceId(name.to_owned()),
                name: name.to_owned(),
                language: language.replace('_', "-"),
                gender: None,
            })
        })
        .collect()
}

/// The arguments of one `say` run (without the program name).
pub fn arguments(voice: &str, rate: Rate, input: &Path, output: &Path) -> Vec<String> {
    vec![
        format!("--voice={voice}"),
        format!("--rate={}", rate.0),
        format!("--input-file={}", input.display()),
        format!("--output-file={}", output.display()),
        "--file-format=WAVE".to_owned(),
        format!("--data-format=LEI16@{SAMPLE_RATE}"),
    ]
}

/// macOS's `say` program.
#[derive(Debug)]
pub struct SayProgram(PathBuf);

/// macOS's `say`, run once per sentence.
pub type Say = External<SayProgram>;

impl Program for SayProgram {
    const NAME: &'static str = ENGINE;
    const KIND: EngineKind = EngineKind::Say;

    fn speak(&self, dir: &Path, line: &Line<'_>) -> Result<PathBuf, EngineError> {
        let input = dir.join("in.txt");
        let output = dir.join("out.wav");
        external::write_file(&input, line.text.as_bytes(), ENGINE)?;
        let mut command = Command::new(&self.0);
        command.args(arguments(&line.voice.id.0, line.rate, &input, &output));
        external::run(command, dir, ENGINE, HINT)?;
        Ok(output)
    }
}

impl Say {
    /// Finds `say` and reads its voices, to speak with `voice`. On anything but macOS:
    /// `Missing`.
    pub fn open(voice: &VoiceId) -> Result<Say, EngineError> {
        if !cfg!(target_os = "macos") {
            return Err(EngineError::Missing {
                what: "say".into(),
                reason: format!("it exists only on macOS, this is {}", std::env::consts::OS),
                hint: HINT.into(),
            });
        }
        let os = Command::new("sw_vers")
            .arg("-productVersion")
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| "unknown".into());
        Say::with_program(PathBuf::from("/usr/bin/say"), &format!("macOS {os}"), voice)
    }

    /// An engine running `program` as `say` (tests use a stand-in).
    pub(crate) fn with_program(
        program: PathBuf,
        os: &str,
        voice: &VoiceId,
    ) -> Result<Say, EngineError> {
        let dir = external::workdir(ENGINE)?;
        let mut list = Command::new(&program);
        list.arg("--voice=?");
        let voices = parse_voices(&external::run(list, dir.path(), ENGINE, HINT)?);
        if voices.is_empty() {
            return Err(EngineError::Failed {
                engine: ENGINE.into(),
                message: "`say --voice=?` listed no voices".into(),
            });
        }
        let version = format!("{os}, {}", external::voices_fingerprint(&voices));
        Ok(External {
            program: SayProgram(program),
            voices,
            version,
            voice: voice.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Engine, Pitch, SynthRequest};

    /// Lines as macOS 14 prints them.
    const LISTING: &str = "\
Albert              en_US    # Hello! My name is Albert.
Amélie              fr_CA    # Bonjour, je m’appelle Amélie.
Bad News            en_US    # Hello! My name is Bad News.
Eddy (English (UK)) en_GB    # Hello! My name is Eddy.
Fiona               en-scotland # Hello, my name is Fiona. #1 voice.
Majed               ar_001   # مرحبًا! اسمي ماجد.

";

    #[test]
    fn voice_listing_is_parsed() {
        let voices = parse_voices(LISTING);
        let got: Vec<(&str, &str)> = voices
            .iter()
            .map(|v| (v.id.0.as_str(), v.language.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("Albert", "en-US"),
                ("Amélie", "fr-CA"),
                ("Bad News", "en-US"),
                ("Eddy (English (UK))", "en-GB"),
                ("Fiona", "en-scotland"),
                ("Majed", "ar-001"),
            ]
        );
    }

    #[test]
    fn arguments_keep_every_value_in_its_own_option() {
        let args = arguments(
            "Eddy (English (UK))",
            Rate(175),
            Path::new("/tmp/x/in.txt"),
            Path::new("/tmp/x/out.wav"),
        );
        assert_eq!(
            args,
            [
                "--voice=Eddy (English (UK))",
                "--rate=175",
                "--input-file=/tmp/x/in.txt",
                "--output-file=/tmp/x/out.wav",
                "--file-format=WAVE",
                "--data-format=LEI16@22050",
            ]
        );
    }

    #[test]
    fn pitch_other_than_normal_is_refused() {
        assert!(external::check_pitch(Pitch(50), ENGINE).is_ok());
        let e = external::check_pitch(Pitch(70), ENGINE).expect_err("pitch");
        assert!(e.to_string().contains("cannot change the pitch"), "{e}");
    }

    #[cfg(not(target_os = "macos"))]
    #[test]
    fn elsewhere_say_is_missing_with_a_hint() {
        let e = Say::open(&VoiceId("en-us".into())).expect_err("not macOS");
        assert!(e.to_string().contains("--engine espeak"), "{e}");
    }

    /// A stand-in `say`: lists voices, or records its arguments and input text and copies a
    /// prepared WAV file to the output path.
    #[cfg(unix)]
    #[test]
    fn engine_runs_say_with_the_text_in_a_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let fixture = dir.path().join("speech.wav");
        let mut pcm = vec![0i16; 2205];
        pcm.extend((0..4410).map(|i| if i % 20 < 10 { 8000 } else { -8000 }));
        pcm.extend(vec![0i16; 4410]);
        crate::audio::wav::write_i16(&fixture, dir.path(), &pcm, SAMPLE_RATE).expect("fixture");
        let log = dir.path().join("log");
        let script = format!(
            "#!/bin/sh\n\
             if [ \"$1\" = '--voice=?' ]; then printf '%s' '{LISTING}'; exit 0; fi\n\
             for a in \"$@\"; do echo \"$a\" >> '{log}'; case \"$a\" in\n\
               --input-file=*) cat \"${{a#--input-file=}}\" >> '{log}.text';;\n\
               --output-file=*) cp '{fixture}' \"${{a#--output-file=}}\";;\n\
             esac; done\n",
            log = log.display(),
            fixture = fixture.display(),
        );
        let program = dir.path().join("say");
        std::fs::write(&program, script).expect("script");
        std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).expect("chmod");

        let open = |voice: &str| {
            Say::with_program(program.clone(), "macOS test", &VoiceId(voice.into())).expect("open")
        };
        let mut say = open("en-gb");
        assert_eq!(say.voices().expect("voices").len(), 6);
        assert!(say.version().starts_with("macOS test, 6 voices #"));
        let speech = say
            .synthesize(&SynthRequest {
                text: "Hello [[rate 900]] $(rm -rf ~) world.",
                rate: Rate(160),
                pitch: Pitch(50),
            })
            .expect("synthesize");
        assert_eq!(speech.sample_rate, SAMPLE_RATE);
        // 100 ms of leading and trailing silence trimmed to 20 ms margins.
        assert_eq!(speech.samples.len(), 441 + 4410 + 441);
        let args = std::fs::read_to_string(&log).expect("log");
        assert!(
            args.starts_with("--voice=Eddy (English (UK))\n--rate=160\n"),
            "{args}"
        );
        let text = std::fs::read_to_string(format!("{}.text", log.display())).expect("text");
        assert_eq!(text, "Hello $(rm -rf ~) world.");

        let unknown = open("de-de").synthesize(&SynthRequest {
            text: "x",
            rate: Rate(160),
            pitch: Pitch(50),
        });
        assert!(matches!(unknown, Err(EngineError::UnknownVoice { .. })));
    }
}
