//! What the engines that run an operating-system program (`say` on macOS, PowerShell's
//! System.Speech on Windows) share: text made safe for an engine that is not espeak-ng,
//! picking a voice by name or language, running the program with a deadline, and reading
//! the WAV file it wrote.
//!
//! Everything here but [`run`] is pure, so it is tested on every platform, including the
//! Linux machines where neither program exists.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use super::{
    Engine, EngineError, EngineKind, Pitch, Rate, Speech, SynthRequest, VoiceId, VoiceInfo,
};

/// The sample rate asked of every program.
pub const SAMPLE_RATE: u32 = 22050;

/// An operating-system program that speaks a text into a WAV file, one run per request.
pub trait Program: Send {
    /// The engine's name in messages.
    const NAME: &'static str;
    /// Which engine this is.
    const KIND: EngineKind;

    /// Runs the program in the fresh folder `dir` to speak `line` into a 16-bit mono WAV
    /// file at [`SAMPLE_RATE`]; the file's path.
    fn speak(&self, dir: &Path, line: &Line<'_>) -> Result<PathBuf, EngineError>;
}

/// What a [`Program`] speaks: plain text, with a voice it listed, at a rate.
#[derive(Debug, Clone, Copy)]
pub struct Line<'a> {
    pub voice: &'a VoiceInfo,
    pub text: &'a str,
    pub rate: Rate,
}

/// An engine that runs a [`Program`], opened for one voice (resolved at each request, so an
/// unknown voice is refused like espeak-ng's: at the first sentence).
#[derive(Debug)]
pub struct External<P> {
    pub program: P,
    /// The voices the program lists.
    pub voices: Vec<VoiceInfo>,
    pub version: String,
    /// The voice asked for: an id or a language tag ([`resolve_voice`]).
    pub voice: VoiceId,
}

impl<P: Program> Engine for External<P> {
    fn kind(&self) -> EngineKind {
        P::KIND
    }

    fn version(&self) -> String {
        self.version.clone()
    }

    fn sample_rate(&self) -> u32 {
        SAMPLE_RATE
    }

    fn voices(&mut self) -> Result<Vec<VoiceInfo>, EngineError> {
        Ok(self.voices.clone())
    }

    fn synthesize(&mut self, request: &SynthRequest<'_>) -> Result<Speech, EngineError> {
        let Some((voice, text)) = prepare(request, &self.voice, &self.voices, P::NAME)? else {
            return Ok(Speech {
                sample_rate: SAMPLE_RATE,
                ..Speech::default()
            });
        };
        let dir = workdir(P::NAME)?;
        let line = Line {
            voice,
            text: &text,
            rate: request.rate,
        };
        let wav = self.program.speak(dir.path(), &line)?;
        Ok(Speech {
            samples: read_wav(&wav, SAMPLE_RATE, P::NAME)?,
            sample_rate: SAMPLE_RATE,
            marks: Vec::new(),
        })
    }
}

/// The longest a program may take for one request before narrate gives up on it.
pub const DEADLINE: Duration = Duration::from_secs(60);

/// Below this (about -60 dBFS) a sample counts as silence when trimming.
const SILENCE: i16 = 32;

/// Speech kept before the first and after the last loud sample, in milliseconds.
const MARGIN_MS: u32 = 20;

/// Speakable text for an engine other than espeak-ng.
///
/// The normalizer leaves `[[phonemes]]` only where the lexicon put them, and they are
/// espeak-ng phonemes: another engine would read them as letters, and `say` would even take
/// `[[...]]` as an embedded command (`[[rate 500]]`, `[[volm 0]]`). So they are dropped,
/// every other bracket becomes a parenthesis (no `[[` can survive), control characters and
/// NUL become spaces, and runs of white space collapse.
pub fn plain_text(speech: &str) -> String {
    let mut out = String::with_capacity(speech.len());
    let mut rest = speech;
    while let Some(start) = rest.find("[[") {
        out.push_str(&rest[..start]);
        out.push(' ');
        match rest[start + 2..].find("]]") {
            Some(end) => rest = &rest[start + 2 + end + 2..],
            None => rest = "",
        }
    }
    out.push_str(rest);
    let cleaned: String = out
        .chars()
        .map(|c| match c {
            '[' => '(',
            ']' => ')',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `en_US`, `en-us`, `EN-US` all become `en-us`.
pub fn language_key(tag: &str) -> String {
    tag.trim().replace('_', "-").to_ascii_lowercase()
}

/// The voice (`voice` resolved in `voices`) and plain text a file-rendering engine (`say`,
/// SAPI) speaks for `request`, or `None` when no speakable text is left. Neither engine can
/// change the pitch of plain text, so a pitch other than the default is refused rather than
/// silently ignored.
pub fn prepare<'a>(
    request: &SynthRequest<'_>,
    voice: &VoiceId,
    voices: &'a [VoiceInfo],
    engine: &str,
) -> Result<Option<(&'a VoiceInfo, String)>, EngineError> {
    check_pitch(request.pitch, engine)?;
    let voice = resolve_voice(&voice.0, voices).ok_or_else(|| EngineError::UnknownVoice {
        voice: voice.0.clone(),
    })?;
    let text = plain_text(request.text);
    Ok((!text.is_empty()).then_some((voice, text)))
}

/// Refuses a pitch other than the default (50), which `engine` cannot apply.
pub fn check_pitch(pitch: Pitch, engine: &str) -> Result<(), EngineError> {
    if pitch.0 == 50 {
        return Ok(());
    }
    Err(EngineError::Failed {
        engine: engine.into(),
        message: format!(
            "{engine} cannot change the pitch of plain text (asked for {}); set pitch to 50 \
             or use --engine espeak",
            pitch.0
        ),
    })
}

/// The voice a request names: a voice id (case-insensitive), or else a language tag
/// (`en-us`, `en_GB`, `fr`), which picks the first voice of that language in `voices`' order.
/// A bare language (`en`) also matches its regional voices. This is what lets narrate's
/// default voice, `en-us`, work on every engine.
pub fn resolve_voice<'a>(requested: &str, voices: &'a [VoiceInfo]) -> Option<&'a VoiceInfo> {
    let wanted = requested.trim();
    if let Some(v) = voices.iter().find(|v| v.id.0.eq_ignore_ascii_case(wanted)) {
        return Some(v);
    }
    let key = language_key(wanted);
    if key.is_empty() {
        return None;
    }
    voices
        .iter()
        .find(|v| language_key(&v.language) == key)
        .or_else(|| {
            let prefix = format!("{key}-");
            voices
                .iter()
                .find(|v| language_key(&v.language).starts_with(&prefix))
        })
}

/// A short fingerprint of a voice list, for engine versions: installing or removing a voice
/// can change what a language tag resolves to, so it must invalidate cached speech.
pub fn voices_fingerprint(voices: &[VoiceInfo]) -> String {
    let mut hasher = blake3::Hasher::new();
    for v in voices {
        for field in [&v.id.0, &v.language] {
            hasher.update(field.as_bytes());
            hasher.update(&[0]);
        }
    }
    let hex = hasher.finalize().to_hex();
    format!("{} voices #{}", voices.len(), &hex.as_str()[..8])
}

/// Drops near-silence at both ends, keeping a short margin: pauses between sentences belong
/// to the audio stage, and system engines pad their output differently.
pub fn trim_silence(samples: &[i16], rate: u32) -> &[i16] {
    let loud = |s: &i16| s.unsigned_abs() > SILENCE.unsigned_abs();
    let Some(first) = samples.iter().position(loud) else {
        return &[];
    };
    let last = samples.iter().rposition(loud).unwrap_or(first);
    let margin = (rate * MARGIN_MS / 1000) as usize;
    let start = first.saturating_sub(margin);
    let end = (last + 1 + margin).min(samples.len());
    &samples[start..end]
}

/// Decodes a WAV file a system engine wrote: 16-bit integer PCM at `rate`; stereo is mixed
/// down to mono. Anything else is an error naming what was found.
pub fn decode_wav(bytes: &[u8], rate: u32, engine: &str) -> Result<Vec<i16>, EngineError> {
    let fail = |message: String| EngineError::Failed {
        engine: engine.to_owned(),
        message,
    };
    let reader = hound::WavReader::new(std::io::Cursor::new(bytes))
        .map_err(|e| fail(format!("wrote an unreadable WAV file: {e}")))?;
    let spec = reader.spec();
    if spec.sample_format != hound::SampleFormat::Int || spec.bits_per_sample != 16 {
        return Err(fail(format!(
            "wrote {}-bit {:?} samples, expected 16-bit integers",
            spec.bits_per_sample, spec.sample_format
        )));
    }
    if spec.sample_rate != rate {
        return Err(fail(format!(
            "wrote {} Hz audio, expected {rate} Hz",
            spec.sample_rate
        )));
    }
    let samples = reader
        .into_samples::<i16>()
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| fail(format!("wrote a truncated WAV file: {e}")))?;
    match spec.channels {
        1 => Ok(samples),
        2 => Ok(samples
            .chunks_exact(2)
            .map(|lr| ((i32::from(lr[0]) + i32::from(lr[1])) / 2) as i16)
            .collect()),
        n => Err(fail(format!("wrote {n} channels, expected 1 or 2"))),
    }
}

/// Runs `command` to completion, its output captured in files in `dir` (no pipe can fill
/// up), killing it after [`DEADLINE`]. `Missing` when the program does not exist; `Failed`
/// with the end of its standard error when it exits non-zero. Returns standard output.
pub fn run(
    mut command: Command,
    dir: &Path,
    engine: &str,
    hint: &str,
) -> Result<String, EngineError> {
    let program = command.get_program().to_string_lossy().into_owned();
    let fail = |message: String| EngineError::Failed {
        engine: engine.to_owned(),
        message,
    };
    let io = |what: &str, e: std::io::Error| fail(format!("{what}: {e}"));
    let out_path = dir.join("stdout.txt");
    let err_path = dir.join("stderr.txt");
    let stdout =
        std::fs::File::create(&out_path).map_err(|e| io("cannot create a temp file", e))?;
    let stderr =
        std::fs::File::create(&err_path).map_err(|e| io("cannot create a temp file", e))?;
    command
        .stdin(std::process::Stdio::null())
        .stdout(stdout)
        .stderr(stderr);
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(EngineError::Missing {
                what: program,
                reason: "the program is not installed or not on PATH".into(),
                hint: hint.to_owned(),
            })
        }
        Err(e) => return Err(io(&format!("cannot run {program}"), e)),
    };
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > DEADLINE => {
                // Already exited or not killable: either way it is given up on.
                let _ = child.kill();
                let _ = child.wait();
                return Err(fail(format!(
                    "{program} did not finish within {} s",
                    DEADLINE.as_secs()
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(io(&format!("cannot wait for {program}"), e)),
        }
    };
    let read = |path: &Path| {
        std::fs::read(path)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    };
    if !status.success() {
        let err = read(&err_path);
        let tail: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
        let tail = tail[tail.len().saturating_sub(4)..].join(" / ");
        return Err(fail(format!("{program} exited with {status}: {tail}")));
    }
    Ok(read(&out_path))
}

/// A temporary folder for one run of a program.
pub fn workdir(engine: &str) -> Result<tempfile::TempDir, EngineError> {
    tempfile::Builder::new()
        .prefix("narrate-")
        .tempdir()
        .map_err(|e| EngineError::Failed {
            engine: engine.to_owned(),
            message: format!("cannot create a temporary folder: {e}"),
        })
}

/// Writes `contents` to `path`, as an engine error.
pub fn write_file(path: &Path, contents: &[u8], engine: &str) -> Result<(), EngineError> {
    std::fs::write(path, contents).map_err(|e| EngineError::Failed {
        engine: engine.to_owned(),
        message: format!("cannot write {}: {e}", path.display()),
    })
}

/// Reads the WAV file at `path` (see [`decode_wav`]) and trims its silent ends.
pub fn read_wav(path: &Path, rate: u32, engine: &str) -> Result<Vec<i16>, EngineError> {
    let bytes = std::fs::read(path).map_err(|e| EngineError::Failed {
        engine: engine.to_owned(),
        message: format!("wrote no audio ({}: {e})", path.display()),
    })?;
    let samples = decode_wav(&bytes, rate, engine)?;
    Ok(trim_silence(&samples, rate).to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::VoiceId;

    fn voice(id: &str, language: &str) -> VoiceInfo {
        VoiceInfo {
            id: VoiceId(id.into()),
            name: id.into(),
            language: language.into(),
            gender: None,
        }
    }

    #[test]
    fn lexicon_phonemes_are_dropped_and_no_embedded_command_survives() {
        assert_eq!(plain_text("the [[j'0Nbj,Vn]] site"), "the site");
        assert_eq!(plain_text("a [[rate 500]] b [[volm 0"), "a b");
        for hostile in ["[[[inpt PHON]]]", "[ [x] ]", "x]][[y", "[[[[a]]]]b]]"] {
            let out = plain_text(hostile);
            assert!(
                !out.contains('[') && !out.contains(']'),
                "{hostile} -> {out}"
            );
        }
        assert_eq!(plain_text("tab\there\u{0}nul\nline"), "tab here nul line");
        assert_eq!(plain_text("plain (text), kept."), "plain (text), kept.");
    }

    #[test]
    fn voices_resolve_by_id_then_language() {
        let voices = [
            voice("Daniel", "en_GB"),
            voice("Samantha", "en_US"),
            voice("Thomas", "fr_FR"),
        ];
        let id = |r: &str| resolve_voice(r, &voices).map(|v| v.id.0.clone());
        assert_eq!(id("samantha").as_deref(), Some("Samantha"));
        assert_eq!(id("en-us").as_deref(), Some("Samantha"));
        assert_eq!(id("en-GB").as_deref(), Some("Daniel"));
        assert_eq!(id("fr").as_deref(), Some("Thomas"));
        assert_eq!(id("en").as_deref(), Some("Daniel"));
        assert_eq!(id("de-de"), None);
        assert_eq!(id("  "), None);
    }

    #[test]
    fn fingerprint_changes_with_the_voice_list() {
        let one = [voice("Alex", "en_US")];
        let two = [voice("Alex", "en_US"), voice("Fred", "en_US")];
        assert_ne!(voices_fingerprint(&one), voices_fingerprint(&two));
        assert!(voices_fingerprint(&two).starts_with("2 voices #"));
    }

    #[test]
    fn silent_ends_are_trimmed_to_a_margin() {
        let rate = 1000; // a 20-sample margin
        let mut samples = vec![0i16; 100];
        samples.extend([5000; 10]);
        samples.extend(vec![3i16; 100]);
        let trimmed = trim_silence(&samples, rate);
        assert_eq!(trimmed.len(), 20 + 10 + 20);
        assert_eq!(trimmed[20], 5000);
        assert!(trim_silence(&[0, 1, -2], rate).is_empty());
    }

    fn wav(channels: u16, rate: u32, samples: &[i16]) -> Vec<u8> {
        let mut buf = std::io::Cursor::new(Vec::new());
        let spec = hound::WavSpec {
            channels,
            sample_rate: rate,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::new(&mut buf, spec).expect("writer");
        for &s in samples {
            w.write_sample(s).expect("sample");
        }
        w.finalize().expect("finalize");
        buf.into_inner()
    }

    #[test]
    fn wav_files_are_checked_and_stereo_is_mixed_down() {
        assert_eq!(
            decode_wav(&wav(1, 22050, &[1, -1, 7]), 22050, "x").expect("mono"),
            vec![1, -1, 7]
        );
        assert_eq!(
            decode_wav(&wav(2, 22050, &[100, 300, -4, -8]), 22050, "x").expect("stereo"),
            vec![200, -6]
        );
        let wrong_rate = decode_wav(&wav(1, 44100, &[0]), 22050, "say").expect_err("rate");
        assert!(wrong_rate.to_string().contains("44100 Hz"), "{wrong_rate}");
        let garbage = decode_wav(b"RIFF nonsense", 22050, "say").expect_err("garbage");
        assert!(garbage.to_string().contains("unreadable"), "{garbage}");
    }

    #[cfg(unix)]
    #[test]
    fn run_reports_missing_programs_failures_and_output() {
        let dir = tempfile::tempdir().expect("tempdir");
        let missing = run(
            Command::new("narrate-no-such-program"),
            dir.path(),
            "x",
            "hint",
        )
        .expect_err("missing");
        assert!(matches!(missing, EngineError::Missing { .. }), "{missing}");
        let mut fails = Command::new("sh");
        fails.args(["-c", "echo first >&2; echo last words >&2; exit 3"]);
        let failed = run(fails, dir.path(), "x", "hint").expect_err("fails");
        assert!(failed.to_string().contains("last words"), "{failed}");
        let mut ok = Command::new("sh");
        ok.args(["-c", "echo hello"]);
        assert_eq!(run(ok, dir.path(), "x", "hint").expect("ok"), "hello\n");
    }
}
