//! What narrate knows about a file it put in the output folder, and how it checks that the
//! file is still that one.
//!
//! Files are only kept (not written again) when the manifest describes them, and a file on
//! disk can have changed since: a run killed between placing a file and writing its
//! manifest leaves a newer file under an old description, and anyone can edit or replace a
//! file. A [`FileStamp`] holds the file's blake3 hash and size, and the metadata the
//! filesystem gives it when it is placed (modification and change times, inode). A file
//! whose metadata is unchanged is the same file; otherwise its hash decides. The change
//! time cannot be set by a user, so a replacement always shows there.

use std::io::{self, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

/// A placed file's content and identity.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileStamp {
    /// blake3 of the whole file, 64 hex digits.
    pub hash: String,
    pub size: u64,
    /// Modification and change times (ns since the epoch) and inode after it was placed; 0
    /// where the platform does not say, and then the hash always decides.
    #[serde(default)]
    pub modified: u64,
    #[serde(default)]
    pub changed: u64,
    #[serde(default)]
    pub inode: u64,
}

/// What [`FileStamp::check`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// The file is the one stamped.
    Same,
    /// There is a file, and it is another one.
    Differs,
    Missing,
}

/// The filesystem's description of a file: size, times, inode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Meta {
    size: u64,
    modified: u64,
    changed: u64,
    inode: u64,
}

fn meta(path: &Path) -> io::Result<Meta> {
    let m = std::fs::metadata(path)?;
    if !m.is_file() {
        return Err(io::Error::other("not a file"));
    }
    #[cfg(unix)]
    let (changed, inode) = {
        use std::os::unix::fs::MetadataExt;
        let ctime = u64::try_from(m.ctime()).unwrap_or(0);
        let nsec = u64::try_from(m.ctime_nsec()).unwrap_or(0);
        (ctime.saturating_mul(1_000_000_000) + nsec, m.ino())
    };
    #[cfg(not(unix))]
    let (changed, inode) = (0, 0);
    let modified = m
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(0));
    Ok(Meta {
        size: m.len(),
        modified,
        changed,
        inode,
    })
}

/// A file's blake3 hash (hex) and length, as [`hash_file`] gives them.
pub type Digest = (String, u64);

/// A writer that hashes what it passes on, so that a file written in one stream needs no
/// second read to be stamped. The hashing runs on a thread of its own, a megabyte at a time,
/// while the writer goes on: a long episode is written and hashed in the time of the writing.
#[derive(Debug)]
pub struct Hashing<W> {
    inner: W,
    pending: Vec<u8>,
    chunks: Option<std::sync::mpsc::SyncSender<Vec<u8>>>,
    hasher: Option<std::thread::JoinHandle<blake3::Hasher>>,
}

/// Bytes handed to the hashing thread at a time.
const HASH_CHUNK: usize = 1 << 20;

impl<W: Write> Hashing<W> {
    pub fn new(inner: W) -> Hashing<W> {
        let (chunks, received) = std::sync::mpsc::sync_channel::<Vec<u8>>(2);
        let hasher = std::thread::spawn(move || {
            let mut hasher = blake3::Hasher::new();
            for chunk in received {
                hasher.update(&chunk);
            }
            hasher
        });
        Hashing {
            inner,
            pending: Vec::with_capacity(HASH_CHUNK),
            chunks: Some(chunks),
            hasher: Some(hasher),
        }
    }

    /// The writer, and the blake3 hash and length of everything written through it, as
    /// [`hash_file`] gives them.
    pub fn finish(mut self) -> (W, Digest) {
        self.send();
        drop(self.chunks.take());
        let hasher = self
            .hasher
            .take()
            .expect("finished once")
            .join()
            .expect("the hashing thread does not panic");
        let digest = (hasher.finalize().to_hex().to_string(), hasher.count());
        (self.inner, digest)
    }

    /// Hands what is pending to the hashing thread.
    fn send(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let chunk = std::mem::replace(&mut self.pending, Vec::with_capacity(HASH_CHUNK));
        if let Some(chunks) = &self.chunks {
            // The thread only stops when the sender is dropped, so this cannot fail.
            chunks.send(chunk).expect("the hashing thread is running");
        }
    }
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.pending.extend_from_slice(&buf[..n]);
        if self.pending.len() >= HASH_CHUNK {
            self.send();
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// blake3 of a file's content, and its length.
pub fn hash_file(path: &Path) -> io::Result<Digest> {
    let mut hasher = blake3::Hasher::new();
    let file = std::fs::File::open(path)?;
    hasher.update_reader(file)?;
    Ok((hasher.finalize().to_hex().to_string(), hasher.count()))
}

impl FileStamp {
    /// The stamp of a file just placed at `path`, whose content hashed to `hash`.
    pub fn of_placed(path: &Path, hash: String) -> io::Result<FileStamp> {
        let m = meta(path)?;
        Ok(FileStamp {
            hash,
            size: m.size,
            modified: m.modified,
            changed: m.changed,
            inode: m.inode,
        })
    }

    /// The stamp of whatever file is at `path` now, hashing it.
    pub fn read(path: &Path) -> io::Result<FileStamp> {
        let (hash, _) = hash_file(path)?;
        FileStamp::of_placed(path, hash)
    }

    /// Whether the file at `path` is the one stamped: the same metadata, or else the same
    /// content. Unreadable is [`Check::Differs`].
    pub fn check(&self, path: &Path) -> Check {
        let m = match meta(path) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Check::Missing,
            Err(_) => return Check::Differs,
        };
        if m.size != self.size {
            return Check::Differs;
        }
        let known = self.changed != 0 && self.inode != 0;
        if known
            && m.modified == self.modified
            && m.changed == self.changed
            && m.inode == self.inode
        {
            return Check::Same;
        }
        match hash_file(path) {
            Ok((hash, _)) if hash == self.hash => Check::Same,
            _ => Check::Differs,
        }
    }

    /// This stamp with the metadata the file at `path` has now (after [`FileStamp::check`]
    /// found it the same by content), so the next check needs no hashing.
    pub fn refreshed(&self, path: &Path) -> FileStamp {
        match meta(path) {
            Ok(m) => FileStamp {
                hash: self.hash.clone(),
                size: m.size,
                modified: m.modified,
                changed: m.changed,
                inode: m.inode,
            },
            Err(_) => self.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flushing_the_hashing_writer_flushes_what_it_writes_to() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("f");
        let file = std::fs::File::create(&path).expect("create");
        let mut out = Hashing::new(io::BufWriter::new(file));
        out.write_all(b"bytes").expect("write");
        out.flush().expect("flush");
        assert_eq!(std::fs::read(&path).expect("read"), b"bytes");
    }

    #[test]
    fn a_file_that_cannot_be_looked_at_differs_and_only_an_absent_one_is_missing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("a");
        std::fs::write(&file, "x").expect("write");
        let stamp = FileStamp::read(&file).expect("stamp");
        assert_eq!(stamp.check(&file), Check::Same);
        assert_eq!(stamp.check(&dir.path().join("b")), Check::Missing);
        // Under a file, nothing can be looked up.
        assert_eq!(stamp.check(&file.join("b")), Check::Differs);
    }

    #[test]
    fn a_file_hashed_as_it_is_written_has_the_digest_read_back_from_disk() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("episode.mp3");
        let file = std::fs::File::create(&path).expect("create");
        let mut out = Hashing::new(io::BufWriter::with_capacity(7, file));
        // More than the hashing thread takes at a time, in pieces that straddle its chunks.
        let long: Vec<u8> = (0..5 * HASH_CHUNK / 2).map(|i| (i % 251) as u8).collect();
        for chunk in [&b"ID3"[..], &[0xFF; 1000], b"", &long, b"frames"] {
            out.write_all(chunk).expect("write");
        }
        let (out, digest) = out.finish();
        out.into_inner().expect("flush");
        assert_eq!(digest, hash_file(&path).expect("read back"));
        assert_eq!(digest.1, 1009 + long.len() as u64);
    }

    #[test]
    fn a_placed_file_checks_the_same_until_it_is_replaced_or_changed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a.wav");
        std::fs::write(&path, b"narrate's audio").expect("write");
        let stamp = FileStamp::read(&path).expect("stamp");
        assert_eq!(stamp.size, 15);
        assert_eq!(stamp.check(&path), Check::Same);
        // Replaced by a file of the same size: the change time and inode tell, then the hash.
        let other = dir.path().join("b");
        std::fs::write(&other, b"someone's audio").expect("write");
        std::fs::rename(&other, &path).expect("rename");
        assert_eq!(stamp.check(&path), Check::Differs);
        // The same content again under a new inode: the hash says it is the same.
        std::fs::write(&other, b"narrate's audio").expect("write");
        std::fs::rename(&other, &path).expect("rename");
        assert_eq!(stamp.check(&path), Check::Same);
        let fresh = stamp.refreshed(&path);
        assert_ne!(fresh, stamp, "new metadata");
        assert_eq!(fresh.hash, stamp.hash);
        std::fs::remove_file(&path).expect("rm");
        assert_eq!(stamp.check(&path), Check::Missing);
    }

    #[test]
    fn a_changed_size_differs_without_hashing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a.wav");
        std::fs::write(&path, b"abc").expect("write");
        let mut stamp = FileStamp::read(&path).expect("stamp");
        // Even a stamp whose hash would match is refused when the size is wrong.
        stamp.size = 4;
        assert_eq!(stamp.check(&path), Check::Differs);
    }

    #[test]
    fn unknown_metadata_falls_back_to_the_hash() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a.wav");
        std::fs::write(&path, b"abc").expect("write");
        let mut stamp = FileStamp::read(&path).expect("stamp");
        stamp.changed = 0;
        stamp.inode = 0;
        assert_eq!(stamp.check(&path), Check::Same);
        stamp.hash = "0".repeat(64);
        assert_eq!(stamp.check(&path), Check::Differs);
    }

    #[test]
    #[cfg(unix)]
    fn matching_metadata_is_trusted_without_hashing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a.wav");
        std::fs::write(&path, b"abc").expect("write");
        let mut stamp = FileStamp::read(&path).expect("stamp");
        // A wrong hash shows only when the content is read: matching metadata skips that.
        stamp.hash = "0".repeat(64);
        assert_eq!(stamp.check(&path), Check::Same);
    }

    #[test]
    fn any_one_differing_time_or_inode_sends_the_check_to_the_hash() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a.wav");
        std::fs::write(&path, b"abc").expect("write");
        let read = FileStamp::read(&path).expect("stamp");
        type Field = fn(&mut FileStamp) -> &mut u64;
        let fields: [(&str, Field); 3] = [
            ("modified", |s| &mut s.modified),
            ("changed", |s| &mut s.changed),
            ("inode", |s| &mut s.inode),
        ];
        for (name, field) in fields {
            let mut stamp = read.clone();
            *field(&mut stamp) += 1;
            assert_eq!(
                stamp.check(&path),
                Check::Same,
                "{name} off, content the same"
            );
            stamp.hash = "0".repeat(64);
            assert_eq!(
                stamp.check(&path),
                Check::Differs,
                "{name} off, content another"
            );
        }
    }
}
