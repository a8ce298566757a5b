//! A Piper voice's `.onnx.json`: the few fields narrate needs, read once per run.
//!
//! Piper's configs carry much more (training settings, the dataset); serde ignores the rest,
//! so configs written by any Piper version load. Only espeak-phonemized voices are supported:
//! the other phoneme types (text, pinyin) need phonemizers narrate does not have.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Why a voice's config cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: cannot read the voice config: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not a Piper voice config: {source}")]
    Parse {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("{path}: phoneme type {kind:?} is not supported (only \"espeak\")")]
    PhonemeType { path: PathBuf, kind: String },
    #[error("{path}: the phoneme id map lacks {symbol:?}")]
    MissingSymbol { path: PathBuf, symbol: &'static str },
}

/// What narrate reads from a voice config.
#[derive(Clone, Debug, Deserialize)]
pub struct VoiceConfig {
    pub audio: Audio,
    pub espeak: EspeakVoice,
    #[serde(default)]
    pub inference: Scales,
    #[serde(default = "espeak")]
    pub phoneme_type: String,
    pub phoneme_id_map: HashMap<String, Vec<i64>>,
    #[serde(default)]
    pub language: Option<Language>,
}

fn espeak() -> String {
    "espeak".to_owned()
}

#[derive(Clone, Debug, Deserialize)]
pub struct Audio {
    pub sample_rate: u32,
    #[serde(default)]
    pub quality: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct EspeakVoice {
    /// The espeak-ng voice that phonemizes for this model (`en-us`).
    pub voice: String,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Language {
    /// `en_US`.
    pub code: String,
}

/// The model's third input: how much randomness and how slow.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
pub struct Scales {
    /// Variation of the voice (0: the same samples every time).
    #[serde(default = "noise_scale")]
    pub noise_scale: f32,
    /// Duration of phonemes; larger is slower.
    #[serde(default = "one")]
    pub length_scale: f32,
    /// Variation of phoneme durations (0: none).
    #[serde(default = "noise_w")]
    pub noise_w: f32,
}

fn noise_scale() -> f32 {
    0.667
}
fn one() -> f32 {
    1.0
}
fn noise_w() -> f32 {
    0.8
}

impl Default for Scales {
    /// Piper's defaults, for configs that do not say.
    fn default() -> Scales {
        Scales {
            noise_scale: noise_scale(),
            length_scale: one(),
            noise_w: noise_w(),
        }
    }
}

impl VoiceConfig {
    /// Reads and checks `path`.
    pub fn load(path: &Path) -> Result<VoiceConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        VoiceConfig::parse(&text, path)
    }

    /// Parses and checks config text read from `path`.
    pub fn parse(text: &str, path: &Path) -> Result<VoiceConfig, ConfigError> {
        let config: VoiceConfig =
            serde_json::from_str(text).map_err(|source| ConfigError::Parse {
                path: path.to_path_buf(),
                source,
            })?;
        if config.phoneme_type != "espeak" {
            return Err(ConfigError::PhonemeType {
                path: path.to_path_buf(),
                kind: config.phoneme_type,
            });
        }
        for symbol in [super::ids::BOS, super::ids::EOS, super::ids::PAD] {
            if !config.phoneme_id_map.contains_key(symbol) {
                return Err(ConfigError::MissingSymbol {
                    path: path.to_path_buf(),
                    symbol,
                });
            }
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"{
        "audio": {"sample_rate": 16000},
        "espeak": {"voice": "de"},
        "phoneme_id_map": {"_": [0], "^": [1], "$": [2], "a": [14]},
        "unknown_field": true
    }"#;

    #[test]
    fn minimal_config_gets_piper_defaults() {
        let c = VoiceConfig::parse(MINIMAL, Path::new("x.onnx.json")).expect("parses");
        assert_eq!(c.audio.sample_rate, 16000);
        assert_eq!(c.espeak.voice, "de");
        assert_eq!(c.inference, Scales::default());
        assert_eq!(c.phoneme_id_map["a"], [14]);
    }

    #[test]
    fn unsupported_configs_are_refused_with_the_path() {
        let text = MINIMAL.replace(r#""audio""#, r#""phoneme_type": "text", "audio""#);
        let err = VoiceConfig::parse(&text, Path::new("v.onnx.json")).expect_err("text");
        assert!(err.to_string().contains("v.onnx.json"), "{err}");
        let text = MINIMAL.replace(r#""^": [1], "#, "");
        assert!(matches!(
            VoiceConfig::parse(&text, Path::new("v.onnx.json")),
            Err(ConfigError::MissingSymbol { symbol: "^", .. })
        ));
    }
}
