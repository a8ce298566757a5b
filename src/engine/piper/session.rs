//! ONNX Runtime, loaded at run time, and one model session per voice.
//!
//! Why `ort` with `load-dynamic`: it binds the runtime's C API without downloading anything
//! at build time; the library itself (`libonnxruntime.so`, from the `onnxruntime` wheel on
//! PyPI, see `voices`) is opened when the first Piper voice is, so narrate builds and runs
//! without it and says how to get it when a Piper voice is asked for. The runtime may be
//! loaded and its environment built only once per process, hence the static.

use std::path::Path;
use std::sync::OnceLock;

use ort::environment::Environment;
use ort::session::builder::{GraphOptimizationLevel, PrepackedWeights};
use ort::session::Session;
use ort::value::Tensor;

use super::config::Scales;

/// The loaded runtime: its environment and version, or why it could not be loaded.
static RUNTIME: OnceLock<Result<Runtime, String>> = OnceLock::new();

#[derive(Debug)]
struct Runtime {
    environment: Environment,
    /// `git-branch=rel-1.32.0, git-commit-id=...` from the runtime's build info.
    version: String,
}

/// Loads the runtime from `library` (the first call decides; later calls reuse it).
/// Returns the runtime's version, or why it could not be loaded.
pub fn load_runtime(library: &Path) -> Result<String, String> {
    let runtime = RUNTIME.get_or_init(|| {
        let builder = ort::init_from(library)
            .map_err(|e| format!("{}: {e}", library.display()))?
            .with_name("narrate");
        let environment = builder
            .build()
            .map_err(|e| format!("{}: {e}", library.display()))?;
        let info = ort::info();
        let version = info
            .split(", ")
            .filter(|part| part.contains("git-branch") || part.contains("git-commit-id"))
            .collect::<Vec<_>>()
            .join(", ");
        Ok(Runtime {
            environment,
            version: if version.is_empty() {
                info.to_owned()
            } else {
                version
            },
        })
    });
    match runtime {
        Ok(r) => Ok(r.version.clone()),
        Err(e) => Err(e.clone()),
    }
}

/// One session of a voice model, ready to run.
///
/// ONNX Runtime's `Run` is not safe to call from several threads on one session (the `ort`
/// documentation says so and asks for one session per thread), so a voice that speaks on
/// several threads at once has one `Model` per thread, all built from the same bytes and
/// sharing their pre-packed weights.
#[derive(Debug)]
pub struct Model {
    session: Session,
    /// Whether the model takes a speaker id (multi-speaker voices).
    takes_speaker: bool,
}

impl Model {
    /// Builds `count` sessions of the model in `bytes` (read from `path`) on the loaded
    /// runtime, each running one sentence at a time on one thread: sentences are spread over
    /// the sessions instead, which keeps every core busy (a VITS graph is many small
    /// operators, so splitting one sentence over threads scales poorly).
    pub fn load(path: &Path, bytes: &[u8], count: usize) -> Result<Vec<Model>, String> {
        let Some(Ok(runtime)) = RUNTIME.get() else {
            return Err("ONNX Runtime is not loaded".to_owned());
        };
        let weights = PrepackedWeights::new();
        let build = || -> Result<Session, ort::Error> {
            Session::builder(&runtime.environment)?
                .with_optimization_level(GraphOptimizationLevel::All)?
                .with_intra_threads(1)?
                .with_inter_threads(1)?
                .with_prepacked_weights(&weights)?
                .commit_from_memory(bytes)
        };
        let load = || {
            let session =
                build().map_err(|e| format!("{}: cannot load the model: {e}", path.display()))?;
            let takes_speaker = session.inputs().iter().any(|i| i.name() == "sid");
            Ok(Model {
                session,
                takes_speaker,
            })
        };
        // Building a session takes most of a second; build them side by side.
        std::thread::scope(|scope| {
            let loads: Vec<_> = (0..count.max(1)).map(|_| scope.spawn(load)).collect();
            loads
                .into_iter()
                .map(|l| l.join().expect("loading a session panicked"))
                .collect()
        })
    }

    /// Runs the model on one sentence's ids; the samples, as floats around ±1.
    pub fn run(&mut self, ids: &[i64], scales: Scales) -> Result<Vec<f32>, ort::Error> {
        let n = ids.len();
        let input = Tensor::from_array(([1usize, n], ids.to_vec()))?;
        let lengths = Tensor::from_array(([1usize], vec![n as i64]))?;
        let scales = Tensor::from_array((
            [3usize],
            vec![scales.noise_scale, scales.length_scale, scales.noise_w],
        ))?;
        let mut inputs = ort::inputs![
            "input" => input,
            "input_lengths" => lengths,
            "scales" => scales,
        ];
        if self.takes_speaker {
            let sid = Tensor::from_array(([1usize], vec![0i64]))?;
            inputs.push(("sid".into(), sid.into()));
        }
        let outputs = self.session.run(inputs)?;
        let (_, audio) = outputs[0].try_extract_tensor::<f32>()?;
        Ok(audio.to_vec())
    }
}
