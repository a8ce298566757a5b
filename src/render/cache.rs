//! The content-addressed cache of sentence audio.
//!
//! A key is the blake3 hash of a serialized [`KeyInput`]: every input that changes the sound
//! of a piece of speech. An entry is a 16-bit WAV named after its key, written atomically
//! and only after synthesis succeeded. A missing or unreadable entry is a miss, never an
//! error: the sentence is simply synthesized again.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::config::Voice;
use crate::engine::{EngineKind, Pitch, Rate, VoiceId};

/// Bumped whenever the way audio is produced for a key changes.
pub const KEY_FORMAT: u32 = 1;

/// Everything that determines the audio of one engine request.
#[derive(Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct KeyInput<'a> {
    pub format: u32,
    pub engine: EngineKind,
    pub engine_version: &'a str,
    pub voice: &'a VoiceId,
    pub rate: Rate,
    pub pitch: Pitch,
    pub sample_rate: u32,
    /// What else the engine says shapes its sound ([`crate::engine::Engine::fingerprint`]):
    /// for a neural voice, the model file's hash and its scales. Left out when empty, so
    /// espeak-ng keys are what they were before it existed.
    #[serde(skip_serializing_if = "str::is_empty")]
    pub fingerprint: &'a str,
    pub text: &'a str,
}

/// A cache key: 64 hex digits.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Key(pub String);

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What the engine is, as far as keys are concerned.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EngineStamp {
    pub version: String,
    pub sample_rate: u32,
    /// [`crate::engine::Engine::fingerprint`].
    pub fingerprint: String,
}

impl Key {
    /// The key of speaking `text` with `voice` on the engine described by `stamp`.
    pub fn new(voice: &Voice, stamp: &EngineStamp, text: &str) -> Key {
        let input = KeyInput {
            format: KEY_FORMAT,
            engine: voice.engine,
            engine_version: &stamp.version,
            voice: &voice.voice,
            rate: voice.rate,
            pitch: voice.pitch,
            sample_rate: stamp.sample_rate,
            fingerprint: &stamp.fingerprint,
            text,
        };
        let bytes = serde_json::to_vec(&input).expect("a struct of strings and numbers serializes");
        Key(blake3::hash(&bytes).to_hex().to_string())
    }
}

/// The cache folder.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
    tmp: PathBuf,
}

/// The outcome of a lookup.
#[derive(Debug)]
pub enum Lookup {
    Hit(Vec<i16>),
    Miss,
}

impl Cache {
    /// A cache in `dir`, staging its writes in `tmp` (same filesystem).
    pub fn new(dir: impl Into<PathBuf>, tmp: impl Into<PathBuf>) -> Cache {
        Cache {
            dir: dir.into(),
            tmp: tmp.into(),
        }
    }

    fn path(&self, key: &Key) -> PathBuf {
        let shard = key.0.get(..2).unwrap_or("00");
        self.dir.join(shard).join(format!("{}.wav", key.0))
    }

    /// True if an entry for `key` is on disk (it may still turn out unreadable).
    pub fn contains(&self, key: &Key) -> bool {
        self.path(key).is_file()
    }

    /// The samples stored for `key`, if any are there and readable at `rate`.
    pub fn get(&self, key: &Key, rate: u32) -> Lookup {
        match crate::audio::wav::read_i16(&self.path(key)) {
            Ok((samples, r)) if r == rate => Lookup::Hit(samples),
            _ => Lookup::Miss,
        }
    }

    /// Stores the samples for `key`, atomically.
    pub fn put(&self, key: &Key, samples: &[i16], rate: u32) -> std::io::Result<()> {
        let path = self.path(key);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        crate::audio::wav::write_i16(&path, &self.tmp, samples, rate)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn voice() -> Voice {
        Voice {
            engine: EngineKind::Espeak,
            voice: VoiceId("en-us".into()),
            rate: Rate(175),
            pitch: Pitch(50),
            noise: Default::default(),
        }
    }

    fn stamp() -> EngineStamp {
        EngineStamp {
            version: "1.51".into(),
            sample_rate: 22050,
            fingerprint: String::new(),
        }
    }

    #[test]
    fn every_input_changes_the_key() {
        let base = Key::new(&voice(), &stamp(), "Hello.");
        assert_eq!(base, Key::new(&voice(), &stamp(), "Hello."));
        assert_ne!(base, Key::new(&voice(), &stamp(), "Hello!"));
        let mut v = voice();
        v.voice = VoiceId("en-gb".into());
        assert_ne!(base, Key::new(&v, &stamp(), "Hello."));
        let mut v = voice();
        v.rate = Rate(176);
        assert_ne!(base, Key::new(&v, &stamp(), "Hello."));
        let mut v = voice();
        v.pitch = Pitch(51);
        assert_ne!(base, Key::new(&v, &stamp(), "Hello."));
        let mut s = stamp();
        s.version = "1.52".into();
        assert_ne!(base, Key::new(&voice(), &s, "Hello."));
        let mut s = stamp();
        s.sample_rate = 16000;
        assert_ne!(base, Key::new(&voice(), &s, "Hello."));
        let mut s = stamp();
        s.fingerprint = "model 1234; scales 0.667 1 0.8".into();
        assert_ne!(base, Key::new(&voice(), &s, "Hello."));
    }

    /// Caches filled before engines had fingerprints stay valid for espeak-ng.
    #[test]
    fn an_empty_fingerprint_leaves_the_key_as_it_was() {
        let key = Key::new(&voice(), &stamp(), "Hello.");
        let old = format!(
            "{{\"format\":{KEY_FORMAT},\"engine\":\"espeak\",\"engine-version\":\"1.51\",\
             \"voice\":\"en-us\",\"rate\":175,\"pitch\":50,\"sample-rate\":22050,\
             \"text\":\"Hello.\"}}"
        );
        let bytes = old.into_bytes();
        assert_eq!(key.0, blake3::hash(&bytes).to_hex().to_string());
    }

    #[test]
    fn missing_or_corrupt_entry_is_a_miss() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = Cache::new(dir.path().join("c"), dir.path());
        let key = Key::new(&voice(), &stamp(), "Hi.");
        assert!(matches!(cache.get(&key, 22050), Lookup::Miss));
        cache.put(&key, &[1, 2, 3], 22050).expect("put");
        assert!(matches!(cache.get(&key, 22050), Lookup::Hit(s) if s == vec![1, 2, 3]));
        assert!(
            matches!(cache.get(&key, 16000), Lookup::Miss),
            "wrong rate is a miss"
        );
        std::fs::write(cache.path(&key), b"RIFF garbage").expect("corrupt");
        assert!(matches!(cache.get(&key, 22050), Lookup::Miss));
    }
}
