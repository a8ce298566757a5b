//! The content-addressed cache of sentence audio.
//!
//! A key is the blake3 hash of a serialized [`KeyInput`]: every input that changes the sound
//! of a piece of speech. An entry is named after its key, written atomically and only after
//! synthesis succeeded, and carries the blake3 checksum of its samples: a missing entry is a
//! miss, a damaged one ([`Lookup::Damaged`]) is never used, and in both cases the sentence is
//! simply synthesized again.

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
    /// The entry is there but cannot be used: the path and why.
    Damaged(PathBuf, &'static str),
}

/// The first bytes of an entry, with the entry format's version.
const MAGIC: &[u8; 8] = b"NRSPCH01";
/// Magic, sample rate (u32), sample count (u64), blake3 checksum (32 bytes).
const HEADER: usize = 8 + 4 + 8 + 32;

/// The checksum of an entry's rate and samples.
fn checksum(rate: u32, count: u64, data: &[u8]) -> blake3::Hash {
    let mut hasher = blake3::Hasher::new();
    hasher.update(&rate.to_le_bytes());
    hasher.update(&count.to_le_bytes());
    hasher.update(data);
    hasher.finalize()
}

/// An entry's bytes: header, then the samples as 16-bit little-endian.
fn encode(samples: &[i16], rate: u32) -> Vec<u8> {
    let data: Vec<u8> = samples.iter().flat_map(|s| s.to_le_bytes()).collect();
    let count = samples.len() as u64;
    let mut bytes = Vec::with_capacity(HEADER + data.len());
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&rate.to_le_bytes());
    bytes.extend_from_slice(&count.to_le_bytes());
    bytes.extend_from_slice(checksum(rate, count, &data).as_bytes());
    bytes.extend_from_slice(&data);
    bytes
}

/// The samples of an entry's bytes, if they are whole, at `rate`, and match their checksum.
fn decode(bytes: &[u8], rate: u32) -> Result<Vec<i16>, &'static str> {
    let header = bytes.get(..HEADER).ok_or("shorter than its header")?;
    let (magic, rest) = header.split_at(8);
    if magic != MAGIC {
        return Err("not a cache entry");
    }
    let word = |at: usize, n: usize| -> u64 {
        rest[at..at + n]
            .iter()
            .rev()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b))
    };
    let stored_rate = word(0, 4) as u32;
    let count = word(4, 8);
    let data = &bytes[HEADER..];
    if data.len() as u64 != count.saturating_mul(2) {
        return Err("truncated or too long");
    }
    if checksum(stored_rate, count, data).as_bytes()[..] != rest[12..44] {
        return Err("checksum mismatch");
    }
    if stored_rate != rate {
        return Err("another sample rate");
    }
    Ok(data
        .chunks_exact(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]))
        .collect())
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
        self.dir.join(shard).join(format!("{}.pcm", key.0))
    }

    /// True if an entry for `key` is on disk (it may still turn out unreadable).
    pub fn contains(&self, key: &Key) -> bool {
        self.path(key).is_file()
    }

    /// The samples stored for `key`, if they are there, whole and at `rate`.
    pub fn get(&self, key: &Key, rate: u32) -> Lookup {
        let path = self.path(key);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Lookup::Miss,
            Err(_) => return Lookup::Damaged(path, "unreadable"),
        };
        match decode(&bytes, rate) {
            Ok(samples) => Lookup::Hit(samples),
            Err(why) => Lookup::Damaged(path, why),
        }
    }

    /// Stores the samples for `key`, atomically (replacing a damaged entry).
    pub fn put(&self, key: &Key, samples: &[i16], rate: u32) -> std::io::Result<()> {
        let path = self.path(key);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        crate::staged::write_atomic(&path, &self.tmp, &encode(samples, rate))
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
    fn a_missing_entry_is_a_miss_and_a_damaged_one_is_never_used() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = Cache::new(dir.path().join("c"), dir.path());
        let key = Key::new(&voice(), &stamp(), "Hi.");
        assert!(matches!(cache.get(&key, 22050), Lookup::Miss));
        let samples: Vec<i16> = (0..1000).map(|i| (i * 37 % 2000 - 1000) as i16).collect();
        cache.put(&key, &samples, 22050).expect("put");
        assert!(matches!(cache.get(&key, 22050), Lookup::Hit(s) if s == samples));
        let damaged = |why: &str| {
            let found = cache.get(&key, 22050);
            assert!(
                matches!(&found, Lookup::Damaged(p, w) if *w == why && p == &cache.path(&key)),
                "{why}: {found:?}"
            );
        };
        assert!(matches!(
            cache.get(&key, 16000),
            Lookup::Damaged(_, "another sample rate")
        ));
        let good = std::fs::read(cache.path(&key)).expect("read");
        // One flipped bit anywhere in the samples, the header or the checksum.
        for at in [HEADER + 7, 10, 14, 30] {
            let mut bytes = good.clone();
            bytes[at] ^= 0x10;
            std::fs::write(cache.path(&key), &bytes).expect("corrupt");
            let found = cache.get(&key, 22050);
            assert!(matches!(found, Lookup::Damaged(..)), "byte {at}: {found:?}");
        }
        std::fs::write(cache.path(&key), &good[..good.len() - 2]).expect("truncate");
        damaged("truncated or too long");
        std::fs::write(cache.path(&key), &good[..20]).expect("truncate");
        damaged("shorter than its header");
        std::fs::write(cache.path(&key), [b'R'; HEADER + 10]).expect("corrupt");
        damaged("not a cache entry");
        // A damaged entry is replaced by the next put.
        cache.put(&key, &samples, 22050).expect("put");
        assert!(matches!(cache.get(&key, 22050), Lookup::Hit(s) if s == samples));
        // An entry that is there but cannot be read is damaged, not missing.
        std::fs::remove_file(cache.path(&key)).expect("remove");
        std::fs::create_dir(cache.path(&key)).expect("a folder in its place");
        damaged("unreadable");
    }
}
