//! Speech engines behind one small trait.
//!
//! An engine is opened for one voice ([`open`], where backends register themselves); it
//! turns one [`SynthRequest`] (a sentence of speakable text, the rate and the pitch) into
//! [`Speech`]: mono 16-bit PCM, its sample rate, and the word and sentence marks the engine
//! reported. Engines are stateless from the caller's point of view: the same request must
//! give the same samples whatever was synthesized before, because the sentence cache relies
//! on it. Another voice is another engine.

pub mod espeak;
pub mod external;
#[cfg(test)]
pub mod fake;
#[cfg(feature = "piper")]
pub mod piper;
pub mod sapi;
pub mod say;

use std::fmt;

use serde::{Deserialize, Serialize};

/// Which backend to use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EngineKind {
    /// espeak-ng, in-process through libespeak-ng (Linux and anywhere it is installed).
    Espeak,
    /// macOS's voices through the `say` program (the default on macOS).
    Say,
    /// Windows's SAPI voices through PowerShell's System.Speech (the default on Windows).
    Sapi,
    /// Piper neural voices (ONNX models), in-process through ONNX Runtime.
    Piper,
}

impl EngineKind {
    /// Every engine, in the order `--help` lists them.
    pub const ALL: [EngineKind; 4] = [
        EngineKind::Espeak,
        EngineKind::Say,
        EngineKind::Sapi,
        EngineKind::Piper,
    ];

    /// The name as `--engine` and narrate.toml take it.
    pub const fn name(self) -> &'static str {
        match self {
            EngineKind::Espeak => "espeak",
            EngineKind::Say => "say",
            EngineKind::Sapi => "sapi",
            EngineKind::Piper => "piper",
        }
    }

    /// What the engine is, in a line (`--help` shows it beside the name).
    pub const fn about(self) -> &'static str {
        match self {
            EngineKind::Espeak => {
                "espeak-ng, in-process through libespeak-ng (Linux and anywhere it is installed)"
            }
            EngineKind::Say => "macOS's voices through the `say` program (the default on macOS)",
            EngineKind::Sapi => {
                "Windows's SAPI voices through PowerShell's System.Speech (the default on Windows)"
            }
            EngineKind::Piper => {
                "Piper neural voices (ONNX models), in-process through ONNX Runtime"
            }
        }
    }

    /// The platform speech engine: `say` on macOS, `sapi` on Windows, espeak-ng elsewhere.
    pub const fn platform_default() -> EngineKind {
        if cfg!(target_os = "macos") {
            EngineKind::Say
        } else if cfg!(windows) {
            EngineKind::Sapi
        } else {
            EngineKind::Espeak
        }
    }

    /// The voice used when none is asked for: espeak-ng's `en-us` (say and SAPI take it as
    /// "the first US English voice"), and for Piper the voice `scripts/get-piper joe`
    /// installs.
    pub const fn default_voice(self) -> &'static str {
        match self {
            EngineKind::Piper => "en_US-joe-medium",
            EngineKind::Espeak | EngineKind::Say | EngineKind::Sapi => "en-us",
        }
    }
}

impl fmt::Display for EngineKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is not an engine's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownEngine(pub String);

impl fmt::Display for UnknownEngine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = EngineKind::ALL.iter().map(|k| k.name()).collect();
        write!(f, "{:?} is not an engine ({})", self.0, names.join(", "))
    }
}

impl std::error::Error for UnknownEngine {}

impl std::str::FromStr for EngineKind {
    type Err = UnknownEngine;

    fn from_str(name: &str) -> Result<EngineKind, UnknownEngine> {
        EngineKind::ALL
            .into_iter()
            .find(|kind| kind.name() == name)
            .ok_or_else(|| UnknownEngine(name.to_owned()))
    }
}

/// A voice name as the engine knows it (`en-us`, `en-gb-x-rp`, ...).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct VoiceId(pub String);

impl fmt::Display for VoiceId {
    /// The id, padded as the format asks (`{:<24}`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

/// Speaking rate in words per minute.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Rate(pub u32);

/// Base pitch, 0 (low) to 100 (high); 50 is the voice's normal pitch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Pitch(pub u32);

/// Everything an engine opened for a voice needs to speak one piece of text.
#[derive(Clone, Debug)]
pub struct SynthRequest<'a> {
    /// Speakable text, already normalized. May contain engine phoneme markup only where the
    /// lexicon put it; user text never does (the normalizer escapes it).
    pub text: &'a str,
    pub rate: Rate,
    pub pitch: Pitch,
}

/// What a mark points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MarkKind {
    Word,
    Sentence,
}

/// A position reported by the engine while it spoke: where in the text, and when in the audio.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark {
    pub kind: MarkKind,
    /// Byte offset into [`SynthRequest::text`].
    pub text_start: usize,
    /// Length in bytes of the marked text (0 when the engine does not say).
    pub text_len: usize,
    /// Position in the returned samples.
    pub sample: u64,
}

/// The result of one synthesis.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Speech {
    pub samples: Vec<i16>,
    pub sample_rate: u32,
    pub marks: Vec<Mark>,
}

/// A voice the engine offers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VoiceInfo {
    pub id: VoiceId,
    pub name: String,
    pub language: String,
    pub gender: Option<String>,
}

/// Why an engine could not speak.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The engine's library or program is not installed.
    #[error("{what} is not available: {reason}\n  hint: {hint}")]
    Missing {
        what: String,
        reason: String,
        hint: String,
    },
    #[error("unknown voice {voice:?} (`narrate voices` lists the voices)")]
    UnknownVoice { voice: String },
    #[error("{engine} failed: {message}")]
    Failed { engine: String, message: String },
}

/// A speech backend. See the module docs for the contract.
pub trait Engine: Send {
    /// Stable backend name, part of every cache key.
    fn kind(&self) -> EngineKind;

    /// Version of the engine (library version), part of every cache key.
    fn version(&self) -> String;

    /// Anything else that shapes the sound and is not in the request (a model file's hash,
    /// synthesis scales), part of every cache key when not empty.
    fn fingerprint(&self) -> String {
        String::new()
    }

    /// Sample rate of everything [`Engine::synthesize`] returns.
    fn sample_rate(&self) -> u32;

    /// The voices this engine can speak with.
    fn voices(&mut self) -> Result<Vec<VoiceInfo>, EngineError>;

    /// Speak one request into PCM.
    fn synthesize(&mut self, request: &SynthRequest<'_>) -> Result<Speech, EngineError>;

    /// Gets ready to speak while the caller does something else (the renderer calls this
    /// before it plans): an engine with slow preparations of its own starts them on a
    /// thread, and the first request waits for them. Failures surface at that request.
    fn prepare(&mut self) {}

    /// How many requests this engine would like per [`Engine::synthesize_all`] call: more
    /// than one only for an engine that works on several at once. The renderer speaks
    /// whole paragraphs until it has at least this many, so 1 means a paragraph at a time.
    fn batch(&self) -> usize {
        1
    }

    /// Speak several requests, the results in the same order; each is what
    /// [`Engine::synthesize`] would return for it. Engines that can work on several at once
    /// (Piper, one model session per core) override this; the others speak one at a time.
    fn synthesize_all(
        &mut self,
        requests: &[SynthRequest<'_>],
    ) -> Vec<Result<Speech, EngineError>> {
        requests.iter().map(|r| self.synthesize(r)).collect()
    }
}

/// Piper's sampling noise, overriding the voice's own where set: `scale` varies the sound
/// of the voice, `w` the length of its phonemes; with both at 0 a sentence always gives the
/// same samples. The other engines have no noise, and ignore it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Noise {
    /// `noise-scale`, as in narrate.toml.
    #[serde(rename = "noise-scale", skip_serializing_if = "Option::is_none")]
    pub scale: Option<f32>,
    /// `noise-w`, as in narrate.toml.
    #[serde(rename = "noise-w", skip_serializing_if = "Option::is_none")]
    pub w: Option<f32>,
}

/// Opens the backend `kind` for `voice` (engines that load a model per voice load it here).
/// The one place backends are registered.
pub fn open(
    kind: EngineKind,
    voice: &VoiceId,
    noise: Noise,
) -> Result<Box<dyn Engine>, EngineError> {
    #[cfg(not(feature = "piper"))]
    let _ = noise;
    match kind {
        EngineKind::Espeak => Ok(Box::new(espeak::Espeak::open(voice)?)),
        EngineKind::Say => Ok(Box::new(say::Say::open(voice)?)),
        EngineKind::Sapi => Ok(Box::new(sapi::Sapi::open(voice)?)),
        #[cfg(feature = "piper")]
        EngineKind::Piper => Ok(Box::new(piper::Piper::open(voice, noise)?)),
        #[cfg(not(feature = "piper"))]
        EngineKind::Piper => Err(EngineError::Missing {
            what: "the Piper engine".into(),
            reason: format!("this narrate was built without it (voice {voice})"),
            hint: "build narrate with its default features (`cargo install narrate`)".into(),
        }),
    }
}
