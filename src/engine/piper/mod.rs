//! Piper neural voices, in-process: espeak-ng phonemes into a VITS model run by ONNX Runtime.
//!
//! Why Piper: espeak-ng is clear but robotic; Piper voices are the standard local neural
//! voices, fast on a CPU, each a pair of files (`NAME.onnx`, `NAME.onnx.json`) a user can
//! download. The path from text to samples follows the reference implementation (piper-tts)
//! step by step, so a voice sounds here as it does there:
//!
//! 1. `phonemize`: espeak-ng's IPA, clause by clause, with the clause punctuation, per sentence;
//! 2. `ids`: each phoneme to its ids through the voice's map, framed `^ _ (p _)* $`;
//! 3. `session`: the model, loaded once per run, turns each sentence's ids into float samples;
//! 4. here: each sentence's samples are scaled to full peak (as piper-tts does) and joined.
//!
//! The rest of narrate sees an ordinary engine: one request (a sentence) in, 16-bit PCM out.
//! Its cache key gets the model's and config's blake3 hashes and the scales
//! ([`Engine::fingerprint`]). `--rate` maps onto the length scale (175 words a minute is the
//! voice's own pace); pitch is not something a Piper voice can change, and is ignored.
//!
//! Determinism: with the voice's default noise scales (0.667, 0.8) the model samples noise,
//! so the same sentence sounds slightly different each time it is synthesized (the cache
//! keeps the first take). With both noise scales at 0 the output is a function of the text.

mod config;
mod ids;
mod phonemize;
mod session;
pub mod voices;

use std::path::{Path, PathBuf};

use super::{
    Engine, EngineError, EngineKind, Mark, MarkKind, Speech, SynthRequest, VoiceId, VoiceInfo,
};
pub use config::Scales;
use config::VoiceConfig;
use session::Model;

const ENGINE_NAME: &str = "piper";

/// The words-per-minute rate at which a voice speaks at its own length scale.
const NATURAL_RATE: f32 = 175.0;

/// One Piper voice, loaded. Open it once per run: loading the model takes a while.
#[derive(Debug)]
pub struct Piper {
    model_path: PathBuf,
    config: VoiceConfig,
    scales: Scales,
    model: Model,
    version: String,
    fingerprint: String,
}

fn failed(message: impl Into<String>) -> EngineError {
    EngineError::Failed {
        engine: ENGINE_NAME.into(),
        message: message.into(),
    }
}

fn missing(what: &str, reason: impl Into<String>) -> EngineError {
    EngineError::Missing {
        what: what.into(),
        reason: reason.into(),
        hint: voices::INSTALL_HINT.into(),
    }
}

/// blake3 of a file, hex.
fn hash_file(path: &Path) -> Result<String, EngineError> {
    let mut file = std::fs::File::open(path)
        .map_err(|e| failed(format!("{}: cannot read: {e}", path.display())))?;
    let mut hasher = blake3::Hasher::new();
    std::io::copy(&mut file, &mut hasher)
        .map_err(|e| failed(format!("{}: cannot read: {e}", path.display())))?;
    Ok(hasher.finalize().to_hex().to_string())
}

impl Piper {
    /// Opens `voice` (an id `narrate voices` lists, or the path of a `.onnx` file) with the
    /// scales of its config.
    pub fn open(voice: &VoiceId) -> Result<Piper, EngineError> {
        Piper::open_with(voice, None)
    }

    /// Opens `voice` with `scales` instead of its config's (tests use noise scales 0).
    pub fn open_with(voice: &VoiceId, scales: Option<Scales>) -> Result<Piper, EngineError> {
        let model_path = match voices::resolve(&voice.0) {
            Some(path) => path,
            None if voices::installed().is_empty() && !voice.0.ends_with(".onnx") => {
                return Err(missing(
                    "Piper voice",
                    format!("voice {voice} is not installed, nor any other Piper voice"),
                ))
            }
            None => {
                return Err(EngineError::UnknownVoice {
                    voice: voice.0.clone(),
                })
            }
        };
        let config_path = voices::config_path(&model_path);
        let config = VoiceConfig::load(&config_path).map_err(|e| failed(e.to_string()))?;
        let library = voices::runtime_library()
            .ok_or_else(|| missing("ONNX Runtime", "libonnxruntime was not found"))?;
        let runtime = session::load_runtime(&library).map_err(|e| missing("ONNX Runtime", e))?;
        let espeak = super::espeak::Espeak::open()?.version();
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        let model = Model::load(&model_path, threads).map_err(failed)?;
        let scales = scales.unwrap_or(config.inference);
        let fingerprint = format!(
            "model blake3 {}; config blake3 {}; scales {} {} {}",
            hash_file(&model_path)?,
            hash_file(&config_path)?,
            scales.noise_scale,
            scales.length_scale,
            scales.noise_w
        );
        Ok(Piper {
            model_path,
            config,
            scales,
            model,
            version: format!("piper; onnxruntime {runtime}; espeak-ng {espeak}"),
            fingerprint,
        })
    }

    /// The model ids of each sentence espeak-ng finds in `text`.
    pub fn phoneme_ids(&self, text: &str) -> Result<Vec<Vec<i64>>, EngineError> {
        let sentences = phonemize::phonemize(text, &self.config.espeak.voice)?;
        Ok(sentences
            .iter()
            .map(|s| ids::to_ids(s, &self.config.phoneme_id_map).0)
            .collect())
    }

    /// The file this voice was loaded from.
    pub fn model_path(&self) -> &Path {
        &self.model_path
    }
}

/// Float samples scaled to full peak (what piper-tts does by default) as 16-bit PCM.
fn to_pcm(audio: &[f32], out: &mut Vec<i16>) {
    let peak = audio.iter().fold(0.0f32, |m, s| m.max(s.abs()));
    let gain = if peak < 1e-8 { 0.0 } else { 1.0 / peak };
    out.extend(audio.iter().map(|&s| {
        // Truncation toward zero, as numpy's astype(int16) in piper-tts.
        ((s * gain).clamp(-1.0, 1.0) * 32767.0) as i16
    }));
}

impl Engine for Piper {
    fn kind(&self) -> EngineKind {
        EngineKind::Piper
    }

    fn version(&self) -> String {
        self.version.clone()
    }

    fn fingerprint(&self) -> String {
        self.fingerprint.clone()
    }

    fn sample_rate(&self) -> u32 {
        self.config.audio.sample_rate
    }

    fn voices(&mut self) -> Result<Vec<VoiceInfo>, EngineError> {
        Ok(voices::installed()
            .into_iter()
            .map(|v| VoiceInfo {
                id: VoiceId(v.id.clone()),
                name: format!("{} quality, {} Hz; {}", v.quality, v.sample_rate, v.licence),
                language: v.language,
                gender: None,
            })
            .collect())
    }

    fn synthesize(&mut self, request: &SynthRequest<'_>) -> Result<Speech, EngineError> {
        let mut scales = self.scales;
        scales.length_scale *= NATURAL_RATE / request.rate.0.max(1) as f32;
        let mut samples = Vec::new();
        for ids in self.phoneme_ids(request.text)? {
            let audio = self
                .model
                .run(&ids, scales)
                .map_err(|e| failed(format!("{}: {e}", self.model_path.display())))?;
            to_pcm(&audio, &mut samples);
        }
        Ok(Speech {
            samples,
            sample_rate: self.config.audio.sample_rate,
            marks: vec![Mark {
                kind: MarkKind::Sentence,
                text_start: 0,
                text_len: request.text.len(),
                sample: 0,
            }],
        })
    }
}

#[cfg(test)]
mod tests;
