//! The output folder's private state in `.narrate/`: lock, temporary files, journal of
//! written files, manifest, cache.
//!
//! Everything narrate writes is first staged in `.narrate/tmp/` and renamed into place.
//! The journal lists every file a run has put in the output folder before its manifest is
//! written, so that a run killed half-way still knows which files are narrate's own.

use std::collections::HashSet;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::cache::Cache;
use super::manifest::Manifest;
use crate::error::{Error, Result};

/// How long a second run waits for the lock before it gives up (a forked engine worker of a
/// run that just ended in this process may hold the lock's file for a few milliseconds).
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(1);

/// Name of the state folder inside the output folder.
pub const STATE_DIR: &str = ".narrate";

/// An output folder, locked for this process while the value lives.
#[derive(Debug)]
pub struct Store {
    out: PathBuf,
    state: PathBuf,
    _lock: File,
    journal: File,
    /// Whether this store created the state folder.
    fresh: bool,
}

/// Paths of the state folder, for commands that only read it.
pub fn manifest_path(out: &Path) -> PathBuf {
    out.join(STATE_DIR).join("manifest.json")
}

fn journal_path(out: &Path) -> PathBuf {
    out.join(STATE_DIR).join("journal")
}

/// Files narrate wrote in `out`: from the manifest and the journal of an unfinished run.
pub fn owned_files(out: &Path, manifest: Option<&Manifest>) -> HashSet<String> {
    let mut owned: HashSet<String> = manifest
        .map(|m| {
            m.paragraphs
                .iter()
                .map(|p| p.file.clone())
                .chain(m.stale.iter().cloned())
                .collect()
        })
        .unwrap_or_default();
    if let Ok(text) = std::fs::read_to_string(journal_path(out)) {
        owned.extend(text.lines().filter(|l| is_plain_name(l)).map(str::to_owned));
    }
    owned
}

/// A bare file name (no separators, not `.`/`..`): the only thing narrate will remove.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\'])
        && !name.starts_with('.')
}

impl Store {
    /// Creates the folders and takes the lock; fails at once if another run holds it.
    pub fn open(out: &Path) -> Result<Store> {
        let state = out.join(STATE_DIR);
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
        let journal_file = journal_path(out);
        let journal = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&journal_file)
            .map_err(|e| Error::output(&journal_file, "cannot open journal", e))?;
        Ok(Store {
            out: out.into(),
            state,
            _lock: lock,
            journal,
            fresh,
        })
    }

    /// Gives the folder up before anything was written: releases the lock, and removes the
    /// state folder if this store created it (nothing but its empty files is in it yet).
    pub fn abandon(self) {
        let (state, fresh) = (self.state.clone(), self.fresh);
        drop(self);
        if fresh {
            let _ = std::fs::remove_dir_all(state);
        }
    }

    pub fn out(&self) -> &Path {
        &self.out
    }

    pub fn tmp(&self) -> PathBuf {
        self.state.join("tmp")
    }

    pub fn cache(&self) -> Cache {
        Cache::new(self.state.join("cache"), self.tmp())
    }

    /// Records that `file` is about to be written into the output folder (before writing).
    pub fn journal(&mut self, file: &str) -> Result<()> {
        self.journal_all(&[file])
    }

    /// Records that `files` are about to be written into the output folder, with one sync.
    pub fn journal_all(&mut self, files: &[&str]) -> Result<()> {
        files
            .iter()
            .try_for_each(|file| writeln!(self.journal, "{file}"))
            .and_then(|()| self.journal.sync_data())
            .map_err(|e| Error::output(journal_path(&self.out), "cannot write journal", e))
    }

    /// Writes `bytes` to `name` in the output folder, atomically.
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<()> {
        let path = self.out.join(name);
        write_atomic(&path, &self.tmp(), bytes).map_err(|e| Error::output(&path, "cannot write", e))
    }

    /// Writes the manifest atomically, then empties the journal: from now on the manifest
    /// alone says which files are narrate's.
    pub fn commit(&mut self, manifest: &Manifest) -> Result<()> {
        let path = manifest_path(&self.out);
        let json = serde_json::to_vec_pretty(manifest).map_err(|e| Error::Other(e.into()))?;
        write_atomic(&path, &self.tmp(), &json)
            .map_err(|e| Error::output(&path, "cannot write", e))?;
        self.journal
            .set_len(0)
            .map_err(|e| Error::output(journal_path(&self.out), "cannot reset journal", e))
    }

    /// Removes a file narrate wrote earlier. Only plain names are ever removed.
    pub fn remove(&self, name: &str) -> Result<()> {
        if !is_plain_name(name) {
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

/// Writes `bytes` to `path` through a synced temporary file in `tmp_dir` and a rename.
pub fn write_atomic(path: &Path, tmp_dir: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp = crate::staged::staged(tmp_dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_store_on_same_folder_is_locked_out() {
        let dir = tempfile::tempdir().expect("tempdir");
        let _first = Store::open(dir.path()).expect("first");
        let second = Store::open(dir.path());
        assert!(matches!(second, Err(Error::Locked { .. })), "{second:?}");
    }

    #[test]
    fn journal_names_are_owned_until_commit() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = Store::open(dir.path()).expect("open");
        store.journal("01-a.wav").expect("journal");
        store.journal("../escape.wav").expect("journal");
        let owned = owned_files(dir.path(), None);
        assert!(owned.contains("01-a.wav"));
        assert!(
            !owned.contains("../escape.wav"),
            "paths outside are never owned"
        );
        let manifest = Manifest {
            format: super::super::manifest::FORMAT,
            generator: "test".into(),
            title: "t".into(),
            sample_rate: 8000,
            paragraphs: vec![],
            stale: vec![],
            episode: None,
        };
        store.commit(&manifest).expect("commit");
        assert!(owned_files(dir.path(), Some(&manifest)).is_empty());
    }
}
