//! Windows's own voices through SAPI (System.Speech), driven by Windows PowerShell.
//!
//! Why System.Speech from PowerShell rather than WinRT's `SynthesizeTextToStreamAsync`:
//! Windows PowerShell 5.1 and the System.Speech assembly are part of every Windows 10 and 11
//! install, so narrate needs no `windows` crate (a large dependency that, unlike this file,
//! would not compile on the Linux machines that test it), and SAPI lists the desktop voices
//! (David, Zira, Hazel, and third-party SAPI voices) that Windows users configure in the
//! control panel. The cost is a PowerShell start per sentence (a fraction of a second).
//!
//! Nothing from the script or the settings is ever part of PowerShell code or of the command
//! line: [`SCRIPT`] is a constant, and each run gets one argument, the path of a JSON request
//! file narrate wrote (action, voice, rate, text), which the script reads with
//! `ConvertFrom-Json`. The text is spoken with `Speak(string)`, which reads plain text (no
//! SSML, no SAPI XML), after [`external::plain_text`] dropped espeak-ng phonemes.
//! The script writes `speech.wav` (22050 Hz, 16-bit mono) or `voices.json` beside the request.
//!
//! SAPI's rate is -10..10 around the voice's normal speed, each step about 3^(1/10) faster;
//! [`sapi_rate`] maps words per minute onto it with 175 wpm as normal. System.Speech cannot
//! change pitch without SSML, so a pitch other than 50 is refused.
//!
//! Only the pure parts (the request, the rate mapping, the voice list) are tested on Linux,
//! with a stand-in for PowerShell. Timings come from synthesizing sentence by sentence.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::{Deserialize, Serialize};

use super::external::{self, External, Line, Program};
use super::{EngineError, EngineKind, Rate, VoiceId, VoiceInfo};

const ENGINE: &str = "sapi";
const HINT: &str = "the sapi engine is Windows's speech synthesizer, run through Windows \
    PowerShell (powershell.exe); elsewhere use --engine espeak";
/// The words per minute SAPI's rate 0 stands for.
const NORMAL_WPM: f64 = 175.0;

/// The PowerShell program, the same for every request (see the module docs).
pub const SCRIPT: &str = r#"param([Parameter(Mandatory = $true)][string]$Request)
$ErrorActionPreference = 'Stop'
Add-Type -AssemblyName System.Speech
$req = [IO.File]::ReadAllText($Request, [Text.Encoding]::UTF8) | ConvertFrom-Json
$dir = Split-Path -Parent $Request
$utf8 = New-Object Text.UTF8Encoding $false
$synth = New-Object System.Speech.Synthesis.SpeechSynthesizer
try {
  if ($req.action -eq 'voices') {
    $voices = @(foreach ($v in $synth.GetInstalledVoices()) {
      if ($v.Enabled) {
        $i = $v.VoiceInfo
        [ordered]@{ name = $i.Name; culture = $i.Culture.Name; gender = [string]$i.Gender }
      }
    })
    $answer = [ordered]@{ os = [Environment]::OSVersion.Version.ToString(); voices = $voices }
    $json = ConvertTo-Json -InputObject $answer -Depth 4 -Compress
    [IO.File]::WriteAllText((Join-Path $dir 'voices.json'), $json, $utf8)
  } else {
    $synth.SelectVoice([string]$req.voice)
    $synth.Rate = [int]$req.rate
    $format = New-Object System.Speech.AudioFormat.SpeechAudioFormatInfo(22050,
      [System.Speech.AudioFormat.AudioBitsPerSample]::Sixteen,
      [System.Speech.AudioFormat.AudioChannel]::Mono)
    $synth.SetOutputToWaveFile((Join-Path $dir 'speech.wav'), $format)
    $synth.Speak([string]$req.text)
    $synth.SetOutputToNull()
  }
} finally {
  $synth.Dispose()
}
"#;

/// What the script is asked to do.
#[derive(Debug, Serialize, PartialEq)]
#[serde(tag = "action", rename_all = "lowercase")]
pub enum Request<'a> {
    Voices,
    Speak {
        voice: &'a str,
        rate: i32,
        text: &'a str,
    },
}

/// Words per minute to SAPI's -10..10 (175 wpm is 0; each step is a factor of 3^(1/10)).
pub fn sapi_rate(rate: Rate) -> i32 {
    let wpm = f64::from(rate.0.max(1));
    let steps = 10.0 * (wpm / NORMAL_WPM).ln() / 3f64.ln();
    steps.round().clamp(-10.0, 10.0) as i32
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    Many(Vec<SapiVoice>),
    One(SapiVoice),
}

#[derive(Debug, Deserialize)]
struct SapiVoice {
    name: String,
    #[serde(default)]
    culture: String,
    #[serde(default)]
    gender: Option<String>,
}

#[derive(Debug, Deserialize)]
struct VoicesAnswer {
    #[serde(default)]
    os: String,
    /// PowerShell 5.1 may write a one-element array as the element, or none as null.
    voices: Option<OneOrMany>,
}

/// Parses the script's `voices.json`: the Windows version and the enabled voices.
pub fn parse_voices(json: &str) -> Result<(String, Vec<VoiceInfo>), EngineError> {
    let json = json.trim_start_matches('\u{feff}');
    let answer: VoicesAnswer = serde_json::from_str(json).map_err(|e| EngineError::Failed {
        engine: ENGINE.into(),
        message: format!("unreadable voice list: {e}"),
    })?;
    let list = match answer.voices {
        None => Vec::new(),
        Some(OneOrMany::One(v)) => vec![v],
        Some(OneOrMany::Many(v)) => v,
    };
    let voices = list
        .into_iter()
        .map(|v| VoiceInfo {
            id: VoiceId(v.name.clone()),
            name: v.name,
            language: v.culture,
            gender: v
                .gender
                .filter(|g| matches!(g.as_str(), "Male" | "Female" | "Neutral"))
                .map(|g| g.to_ascii_lowercase()),
        })
        .collect();
    Ok((answer.os, voices))
}

/// Windows PowerShell, which runs [`SCRIPT`].
#[derive(Debug)]
pub struct PowerShell(PathBuf);

/// Windows SAPI voices, one PowerShell run per sentence.
pub type Sapi = External<PowerShell>;

impl Program for PowerShell {
    const NAME: &'static str = ENGINE;
    const KIND: EngineKind = EngineKind::Sapi;

    fn speak(&self, dir: &Path, line: &Line<'_>) -> Result<PathBuf, EngineError> {
        let request = Request::Speak {
            voice: &line.voice.id.0,
            rate: sapi_rate(line.rate),
            text: line.text,
        };
        run_script(&self.0, dir, &request)?;
        Ok(dir.join("speech.wav"))
    }
}

impl Sapi {
    /// Finds Windows PowerShell and reads the installed voices, to speak with `voice`.
    /// Elsewhere: `Missing`.
    pub fn open(voice: &VoiceId) -> Result<Sapi, EngineError> {
        if !cfg!(windows) {
            return Err(EngineError::Missing {
                what: "SAPI".into(),
                reason: format!(
                    "it exists only on Windows, this is {}",
                    std::env::consts::OS
                ),
                hint: HINT.into(),
            });
        }
        Sapi::with_program(PathBuf::from("powershell.exe"), voice)
    }

    /// An engine running `program` as Windows PowerShell (tests use a stand-in).
    pub(crate) fn with_program(program: PathBuf, voice: &VoiceId) -> Result<Sapi, EngineError> {
        let dir = external::workdir(ENGINE)?;
        run_script(&program, dir.path(), &Request::Voices)?;
        let json = std::fs::read_to_string(dir.path().join("voices.json")).map_err(|e| {
            EngineError::Failed {
                engine: ENGINE.into(),
                message: format!("PowerShell wrote no voice list: {e}"),
            }
        })?;
        let (os, voices) = parse_voices(&json)?;
        if voices.is_empty() {
            return Err(EngineError::Failed {
                engine: ENGINE.into(),
                message: "Windows lists no enabled SAPI voice (Settings > Time & language > \
                          Speech)"
                    .into(),
            });
        }
        let version = format!("Windows {os}, {}", external::voices_fingerprint(&voices));
        Ok(External {
            program: PowerShell(program),
            voices,
            version,
            voice: voice.clone(),
        })
    }
}

/// The arguments of one PowerShell run (without the program name).
pub fn arguments(script: &Path, request: &Path) -> Vec<String> {
    [
        "-NoLogo",
        "-NoProfile",
        "-NonInteractive",
        "-ExecutionPolicy",
        "Bypass",
        "-File",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .chain([
        script.display().to_string(),
        "-Request".to_owned(),
        request.display().to_string(),
    ])
    .collect()
}

/// Writes the script and `request` into `dir` and runs PowerShell on them.
fn run_script(program: &Path, dir: &Path, request: &Request<'_>) -> Result<(), EngineError> {
    let script = dir.join("narrate-sapi.ps1");
    let request_path = dir.join("request.json");
    // A byte-order mark tells Windows PowerShell 5.1 the script is UTF-8.
    let mut code = "\u{feff}".as_bytes().to_vec();
    code.extend_from_slice(SCRIPT.as_bytes());
    external::write_file(&script, &code, ENGINE)?;
    let json = serde_json::to_vec(request).map_err(|e| EngineError::Failed {
        engine: ENGINE.into(),
        message: format!("cannot encode the request: {e}"),
    })?;
    external::write_file(&request_path, &json, ENGINE)?;
    let mut command = Command::new(program);
    command.args(arguments(&script, &request_path));
    external::run(command, dir, ENGINE, HINT)?;
    Ok(())
}

#[cfg(test)]
mod tests;
