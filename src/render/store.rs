//! The output folder's private state in `.narrate/`: lock, temporary files, ledger of
//! placed files, manifest, cache. The store is the one owner of writing into the output
//! folder.
//!
//! Everything narrate writes is first staged in `.narrate/tmp/`, synced, recorded in the
//! ledger with its hash, and renamed into place ([`Store::place`]), so a run killed at any
//! moment leaves whole files, each of which narrate can recognize as its own.

use std::collections::HashSet;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use super::cache::Cache;
use super::ledger::{self, Ledger, Record};
use super::manifest::{Loaded, Manifest};
use super::stamp::{hash_file, Check, Digest, FileStamp};
use crate::error::{Error, Result};

/// How long a second run waits for the lock before it gives up (a forked engine worker of a
/// run that just ended in this process may hold the lock's file for a few milliseconds).
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(1);

/// Name of the state folder inside the output folder.
pub const STATE_DIR: &str = ".narrate";

/// Where a damaged manifest is set aside.
pub const DAMAGED_MANIFEST: &str = "manifest.json.damaged";

/// An output folder, locked for this process while the value lives.
#[derive(Debug)]
pub struct Store {
    out: PathBuf,
    state: PathBuf,
    _lock: File,
    ledger: Ledger,
    /// Whether this store created the state folder, and the output folder.
    fresh: bool,
    made_out: bool,
}

/// The manifest's path in the output folder `out`.
pub fn manifest_path(out: &Path) -> PathBuf {
    out.join(STATE_DIR).join("manifest.json")
}

fn ledger_path(out: &Path) -> PathBuf {
    out.join(STATE_DIR).join("journal")
}

/// The cache of the output folder `out`, for reading (`narrate plan`).
pub fn cache_of(out: &Path) -> Cache {
    Cache::new(out.join(STATE_DIR).join("cache"), tmp_of(out))
}

/// The folder of files being written (and of spilled audio) in the output folder `out`.
pub fn tmp_of(out: &Path) -> PathBuf {
    out.join(STATE_DIR).join("tmp")
}

/// Files narrate wrote in `out`: those the manifest records (or an earlier format's names),
/// and those the ledger records whose file is still the one recorded (or gone).
pub fn owned_files(out: &Path, previous: &Loaded) -> HashSet<String> {
    let mut owned: HashSet<String> = match previous {
        Loaded::Good(m) => m.files().map(|(name, _)| name.to_owned()).collect(),
        Loaded::Older { files } => files.clone(),
        Loaded::Missing | Loaded::Damaged { .. } => HashSet::new(),
    };
    for (name, records) in ledger::read(&ledger_path(out)) {
        if owned.contains(&name) {
            continue;
        }
        let path = out.join(&name);
        let is_recorded = match std::fs::symlink_metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
            Err(_) => false,
            Ok(m) if !m.is_file() => false,
            Ok(m) => {
                records.iter().any(|r| r.size == m.len())
                    && hash_file(&path)
                        .is_ok_and(|(hash, _)| records.iter().any(|r| r.hash == hash))
            }
        };
        if is_recorded {
            owned.insert(name);
        }
    }
    owned
}

impl Store {
    /// Creates the folders and takes the lock; fails at once if another run holds it.
    pub fn open(out: &Path) -> Result<Store> {
        let state = out.join(STATE_DIR);
        let made_out = !out.exists();
        let fresh = !state.exists();
        let tmp = state.join("tmp");
        std::fs::create_dir_all(&tmp).map_err(|e| Error::output(&tmp, "cannot create", e))?;
        let lock_path = state.join("lock");
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| Error::output(&lock_path, "cannot open lock file", e))?;
        // Wait a moment before giving up: a run that just finished may still be releasing it.
        let deadline = std::time::Instant::now() + LOCK_WAIT;
        loop {
            match lock.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                Err(TryLockError::WouldBlock) => return Err(Error::Locked { path: out.into() }),
                Err(TryLockError::Error(e)) => {
                    return Err(Error::output(&lock_path, "cannot lock", e))
                }
            }
        }
        // Temporary files of a run that was killed: only narrate writes here.
        if let Ok(entries) = std::fs::read_dir(&tmp) {
            for entry in entries.flatten() {
                let _ = std::fs::remove_file(entry.path());
            }
        }
        let ledger_file = ledger_path(out);
        let ledger = Ledger::open(&ledger_file)
            .map_err(|e| Error::output(&ledger_file, "cannot open journal", e))?;
        Ok(Store {
            out: out.into(),
            state,
            _lock: lock,
            ledger,
            fresh,
            made_out,
        })
    }

    /// Gives the folder up before anything was written: releases the lock, and removes the
    /// state folder if this store created it and nothing was cached or placed yet (and the
    /// output folder too, if this store created it and it is empty).
    pub fn abandon(self) {
        let (state, out) = (self.state.clone(), self.out.clone());
        let untouched = self.fresh
            && !state.join("cache").exists()
            && ledger::read(self.ledger.path()).is_empty();
        let made_out = self.made_out;
        drop(self);
        if untouched {
            let _ = std::fs::remove_dir_all(state);
            if made_out {
                // Only if empty: remove_dir refuses otherwise.
                let _ = std::fs::remove_dir(out);
            }
        }
    }

    pub fn out(&self) -> &Path {
        &self.out
    }

    pub fn tmp(&self) -> PathBuf {
        tmp_of(&self.out)
    }

    pub fn cache(&self) -> Cache {
        cache_of(&self.out)
    }

    /// A new temporary file in `.narrate/tmp/`, for [`Store::place`].
    pub fn stage(&self, name: &str) -> Result<NamedTempFile> {
        crate::staged::staged(&self.tmp())
            .map_err(|e| Error::output(self.out.join(name), "cannot write", e))
    }

    /// Puts staged files in place under their names: syncs and hashes each, records them all
    /// in the ledger (one sync), then renames each into place. Returns their stamps.
    pub fn place_all(&self, files: Vec<(String, NamedTempFile)>) -> Result<Vec<FileStamp>> {
        self.place_all_hashed(files.into_iter().map(|(n, f)| (n, f, None)).collect())
    }

    /// [`Store::place_all`], for files some of which were hashed as they were written
    /// (their blake3 hash and length, see [`stamp::Hashing`]): those are not read again.
    pub fn place_all_hashed(
        &self,
        files: Vec<(String, NamedTempFile, Option<Digest>)>,
    ) -> Result<Vec<FileStamp>> {
        let mut records = Vec::with_capacity(files.len());
        let mut staged_files = Vec::with_capacity(files.len());
        for (name, staged, digest) in files {
            let path = self.out.join(&name);
            staged
                .as_file()
                .sync_all()
                .map_err(|e| Error::output(&path, "cannot write", e))?;
            let (hash, size) = match digest {
                Some(digest) => digest,
                None => {
                    hash_file(staged.path()).map_err(|e| Error::output(&path, "cannot write", e))?
                }
            };
            staged_files.push((name.clone(), staged));
            records.push(Record {
                name: name.clone(),
                hash,
                size,
            });
        }
        self.ledger
            .record(&records)
            .map_err(|e| Error::output(self.ledger.path(), "cannot write journal", e))?;
        staged_files
            .into_iter()
            .zip(records)
            .map(|((name, staged), record)| {
                let path = self.out.join(&name);
                staged
                    .persist(&path)
                    .map_err(|e| Error::output(&path, "cannot write", e.error))?;
                crate::checkpoint::reached("placed");
                FileStamp::of_placed(&path, record.hash)
                    .map_err(|e| Error::output(&path, "cannot read back", e))
            })
            .collect()
    }

    /// [`Store::place_all`] for one file.
    pub fn place(&self, name: &str, staged: NamedTempFile) -> Result<FileStamp> {
        let mut stamps = self.place_all(vec![(name.to_owned(), staged)])?;
        Ok(stamps.pop().expect("one file placed, one stamp"))
    }

    /// Writes `bytes` to `name` in the output folder through [`Store::place`].
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<FileStamp> {
        let mut staged = self.stage(name)?;
        staged
            .write_all(bytes)
            .map_err(|e| Error::output(self.out.join(name), "cannot write", e))?;
        self.place(name, staged)
    }

    /// Writes the manifest atomically, then rewrites the ledger to the files it records
    /// (those it lists without a stamp keep their ledger records): from now on those two say
    /// which files are narrate's. Each is only written when it differs from what is on disk,
    /// so a run that changed nothing writes nothing, and a damaged ledger line is repaired
    /// by the next run.
    pub fn commit(&self, manifest: &Manifest) -> Result<()> {
        let path = manifest_path(&self.out);
        let bytes = manifest
            .to_file_bytes()
            .map_err(|e| Error::Other(e.into()))?;
        let mut known = ledger::read(self.ledger.path());
        let records: Vec<Record> = manifest
            .files()
            .flat_map(|(name, stamp)| match stamp {
                Some(stamp) => {
                    let mut records = vec![Record {
                        name: name.to_owned(),
                        hash: stamp.hash.clone(),
                        size: stamp.size,
                    }];
                    // A file a killed run placed under a name whose stamp this manifest
                    // carries over from an earlier one (an episode while the episode is
                    // off): its record stays while it describes the file, so the file stays
                    // narrate's should the manifest be lost.
                    let placed = known.remove(name).unwrap_or_default();
                    records.extend(
                        placed
                            .into_iter()
                            .filter(|r| r.hash != stamp.hash && self.describes(name, r)),
                    );
                    records
                }
                None => known.remove(name).unwrap_or_default(),
            })
            .collect();
        crate::checkpoint::reached("before-commit");
        if !std::fs::read(&path).is_ok_and(|old| old == bytes) {
            crate::staged::write_atomic(&path, &self.tmp(), &bytes)
                .map_err(|e| Error::output(&path, "cannot write", e))?;
        }
        if !self.ledger.holds(&records) {
            self.ledger
                .rewrite(&self.tmp(), &records)
                .map_err(|e| Error::output(self.ledger.path(), "cannot write journal", e))?;
        }
        Ok(())
    }

    /// Whether the ledger `record` describes the file now under `name` (same size and hash).
    fn describes(&self, name: &str, record: &Record) -> bool {
        let path = self.out.join(name);
        std::fs::metadata(&path).is_ok_and(|m| m.len() == record.size)
            && hash_file(&path).is_ok_and(|(hash, _)| hash == record.hash)
    }

    /// Moves a damaged manifest out of the way (to [`DAMAGED_MANIFEST`], replacing an older
    /// one); returns where it went.
    pub fn set_aside_manifest(&self) -> Result<PathBuf> {
        let from = manifest_path(&self.out);
        let to = self.state.join(DAMAGED_MANIFEST);
        std::fs::rename(&from, &to).map_err(|e| Error::output(&from, "cannot set aside", e))?;
        Ok(to)
    }

    /// Removes a file narrate wrote earlier. Only plain names are ever removed.
    pub fn remove(&self, name: &str) -> Result<()> {
        if !ledger::is_plain_name(name) {
            return Ok(());
        }
        let path = self.out.join(name);
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Error::output(&path, "cannot remove", e)),
        }
    }
}

/// Whether the file `name` in `out` is the one `stamp` describes.
pub fn intact(out: &Path, name: &str, stamp: &FileStamp) -> bool {
    stamp.check(&out.join(name)) == Check::Same
}

#[cfg(test)]
mod tests;
