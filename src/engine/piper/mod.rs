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
//! Speed: the voice file is read once, into one session per core (at most [`MAX_WORKERS`]),
//! each on one thread. [`Engine::synthesize_all`] phonemizes a batch of requests, then the
//! sessions take its sentences longest first until none is left. On two cores this is 20 to
//! 30 % faster than one session running each sentence on two threads (measured with
//! `benches/piper.py`), because a VITS graph is many small operators that one sentence cannot
//! spread well over several threads.
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
    /// One session per worker thread (ONNX Runtime asks for one session per thread).
    models: Vec<Model>,
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

/// The most sessions a voice gets: each holds its own graph and working memory (about 450 MB
/// for the joe voice on long sentences), and beyond four cores the memory outweighs the gain.
const MAX_WORKERS: usize = 4;

fn read(path: &Path) -> Result<Vec<u8>, EngineError> {
    std::fs::read(path).map_err(|e| failed(format!("{}: cannot read: {e}", path.display())))
}

/// blake3 of some bytes, hex.
fn hash(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

impl Piper {
    /// Opens `voice` (an id `narrate voices` lists, or the path of a `.onnx` file) with the
    /// scales of its config, the noise overridden by `noise` where set.
    pub fn open(voice: &VoiceId, noise: super::Noise) -> Result<Piper, EngineError> {
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
        let espeak = super::espeak::Espeak::open(&VoiceId(config.espeak.voice.clone()))?.version();
        let workers = std::thread::available_parallelism()
            .map_or(1, usize::from)
            .min(MAX_WORKERS);
        let bytes = read(&model_path)?;
        let models = Model::load(&model_path, &bytes, workers).map_err(failed)?;
        let mut scales = config.inference;
        scales.noise_scale = noise.scale.unwrap_or(scales.noise_scale);
        scales.noise_w = noise.w.unwrap_or(scales.noise_w);
        let fingerprint = format!(
            "model blake3 {}; config blake3 {}; scales {} {} {}",
            hash(&bytes),
            hash(&read(&config_path)?),
            scales.noise_scale,
            scales.length_scale,
            scales.noise_w
        );
        Ok(Piper {
            model_path,
            config,
            scales,
            models,
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

    /// Enough sentences that every session stays busy until the batch is nearly done (each
    /// batch ends with sessions idle while the last sentences finish: 16 per session was
    /// measurably faster than 4 or 8, and holds well under 50 MB of audio).
    fn batch(&self) -> usize {
        16 * self.models.len()
    }

    fn synthesize(&mut self, request: &SynthRequest<'_>) -> Result<Speech, EngineError> {
        self.synthesize_all(std::slice::from_ref(request))
            .pop()
            .expect("one result per request")
    }

    fn synthesize_all(
        &mut self,
        requests: &[SynthRequest<'_>],
    ) -> Vec<Result<Speech, EngineError>> {
        // espeak-ng (one global instance) phonemizes on this thread; the model runs on the
        // workers. A job is one sentence of one request.
        let mut jobs = Vec::new();
        let mut results: Vec<Result<Vec<Vec<f32>>, EngineError>> = Vec::new();
        for (r, request) in requests.iter().enumerate() {
            match self.phoneme_ids(request.text) {
                Ok(sentences) => {
                    results.push(Ok(vec![Vec::new(); sentences.len()]));
                    let mut scales = self.scales;
                    scales.length_scale *= NATURAL_RATE / request.rate.0.max(1) as f32;
                    jobs.extend(sentences.into_iter().enumerate().map(|(s, ids)| Job {
                        request: r,
                        sentence: s,
                        ids,
                        scales,
                    }));
                }
                Err(e) => results.push(Err(e)),
            }
        }
        // Longest first, so that no worker is left with a long sentence at the end.
        jobs.sort_by_key(|j| std::cmp::Reverse(j.ids.len()));
        for (job, audio) in run_jobs(&mut self.models, &jobs) {
            let slot = &mut results[job.request];
            match (slot.as_mut(), audio) {
                (Ok(sentences), Ok(audio)) => sentences[job.sentence] = audio,
                (Ok(_), Err(e)) => {
                    *slot = Err(failed(format!("{}: {e}", self.model_path.display())))
                }
                (Err(_), _) => {}
            }
        }
        results
            .into_iter()
            .zip(requests)
            .map(|(sentences, request)| {
                let mut samples = Vec::new();
                for audio in sentences? {
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
            })
            .collect()
    }
}

/// One sentence to run through the model.
struct Job {
    request: usize,
    sentence: usize,
    ids: Vec<i64>,
    scales: Scales,
}

/// Runs `jobs` on the sessions in `models`, one thread each, every session taking the next
/// job as soon as it is free. Returns each job with its samples, in no particular order.
fn run_jobs<'j>(
    models: &mut [Model],
    jobs: &'j [Job],
) -> Vec<(&'j Job, Result<Vec<f32>, ort::Error>)> {
    let run = |model: &mut Model, job: &'j Job| (job, model.run(&job.ids, job.scales));
    if jobs.len() <= 1 || models.len() == 1 {
        let model = &mut models[0];
        return jobs.iter().map(|job| run(model, job)).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let take = || jobs.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
    std::thread::scope(|scope| {
        let workers: Vec<_> = models
            .iter_mut()
            .take(jobs.len())
            .map(|model| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    while let Some(job) = take() {
                        done.push(run(model, job));
                    }
                    done
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("a Piper worker panicked"))
            .collect()
    })
}

#[cfg(test)]
mod tests;
