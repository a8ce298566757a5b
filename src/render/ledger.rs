//! The ledger: every file narrate has put in the output folder, with the hash of what it put
//! there, in `.narrate/journal`.
//!
//! A run appends a record (and syncs) before it renames a file into place, so a run killed
//! at any moment has recorded every file it may have placed. A commit rewrites the ledger
//! to the files its manifest lists. The ledger is the second record of which files are
//! narrate's, beside the manifest: with a damaged manifest, a run still knows its own files.
//! A name counts as narrate's through the ledger only while the file under it is the one
//! recorded (or none): a file put there later by someone else stays theirs. Each line
//! carries its own checksum; a torn or damaged line is ignored.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A file narrate put in the output folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub name: String,
    /// blake3 of its content.
    pub hash: String,
    pub size: u64,
}

/// The ledger file, open for appending.
#[derive(Debug)]
pub struct Ledger {
    path: PathBuf,
    file: Mutex<File>,
}

/// A bare file name (no separators, not `.`/`..`, nothing hidden or unprintable): the only
/// kind of name narrate records, and so the only kind it ever removes.
pub fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && !name.contains(['/', '\\'])
        && !name.starts_with('.')
        && !name.chars().any(char::is_control)
}

fn check(body: &str) -> String {
    blake3::hash(body.as_bytes()).to_hex()[..16].to_owned()
}

impl Record {
    fn line(&self) -> String {
        let body = format!("{}\t{}\t{}", self.name, self.hash, self.size);
        format!("{body}\t{}\n", check(&body))
    }

    fn parse(line: &str) -> Option<Record> {
        let (body, sum) = line.rsplit_once('\t')?;
        if check(body) != sum {
            return None;
        }
        let mut fields = body.split('\t');
        let record = Record {
            name: fields.next()?.to_owned(),
            hash: fields.next()?.to_owned(),
            size: fields.next()?.parse().ok()?,
        };
        (fields.next().is_none() && is_plain_name(&record.name)).then_some(record)
    }
}

impl Ledger {
    /// Opens (creating) the ledger at `path` for appending.
    pub fn open(path: &Path) -> io::Result<Ledger> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(Ledger {
            path: path.to_path_buf(),
            file: Mutex::new(file),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends `records` and syncs: after this returns, they survive a crash.
    pub fn record(&self, records: &[Record]) -> io::Result<()> {
        let text: String = records.iter().map(Record::line).collect();
        let mut file = self
            .file
            .lock()
            .map_err(|_| io::Error::other("the ledger's lock is poisoned"))?;
        file.write_all(text.as_bytes())?;
        file.sync_data()
    }

    /// Whether the ledger holds exactly `records`, line for line.
    pub fn holds(&self, records: &[Record]) -> bool {
        let text: String = records.iter().map(Record::line).collect();
        std::fs::read(&self.path).is_ok_and(|bytes| bytes == text.as_bytes())
    }

    /// Replaces the ledger with `records`, atomically (through a synced file in `tmp`).
    pub fn rewrite(&self, tmp: &Path, records: &[Record]) -> io::Result<()> {
        let text: String = records.iter().map(Record::line).collect();
        let mut file = self
            .file
            .lock()
            .map_err(|_| io::Error::other("the ledger's lock is poisoned"))?;
        crate::staged::write_atomic(&self.path, tmp, text.as_bytes())?;
        // Appends go to the new file from now on.
        *file = OpenOptions::new().append(true).open(&self.path)?;
        Ok(())
    }
}

/// The valid records of the ledger at `path`, by name (a name may have been placed more
/// than once: every hash it had). A missing or unreadable ledger has none.
pub fn read(path: &Path) -> HashMap<String, Vec<Record>> {
    let mut by_name: HashMap<String, Vec<Record>> = HashMap::new();
    let Ok(text) = std::fs::read(path) else {
        return by_name;
    };
    for line in String::from_utf8_lossy(&text).lines() {
        if let Some(record) = Record::parse(line) {
            by_name.entry(record.name.clone()).or_default().push(record);
        }
    }
    by_name
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(name: &str, hash: &str) -> Record {
        Record {
            name: name.into(),
            hash: hash.into(),
            size: 3,
        }
    }

    #[test]
    fn records_survive_reopening_and_damaged_lines_are_ignored() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("journal");
        let ledger = Ledger::open(&path).expect("open");
        ledger
            .record(&[record("01-a.wav", "aa"), record("episode.mp3", "bb")])
            .expect("record");
        ledger.record(&[record("01-a.wav", "cc")]).expect("record");
        drop(ledger);
        let mut text = std::fs::read_to_string(&path).expect("read");
        // A torn last line, an old-format line, a flipped byte in the second line.
        text.push_str("02-b.wav\tdd\t3\tdeadbeef");
        text.push_str("\n03-old.wav\n");
        let text = text.replacen("episode.mp3", "episode.mp4", 1);
        std::fs::write(&path, text).expect("write");
        let read = read(&path);
        assert_eq!(
            read.get("01-a.wav").map(Vec::len),
            Some(2),
            "both placements"
        );
        assert_eq!(read.len(), 1, "{read:?}");
    }

    #[test]
    fn rewrite_replaces_everything_and_appends_continue() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("journal");
        let ledger = Ledger::open(&path).expect("open");
        ledger.record(&[record("01-a.wav", "aa")]).expect("record");
        ledger
            .rewrite(dir.path(), &[record("02-b.wav", "bb")])
            .expect("rewrite");
        ledger.record(&[record("03-c.wav", "cc")]).expect("record");
        let mut names: Vec<String> = read(&path).into_keys().collect();
        names.sort();
        assert_eq!(names, ["02-b.wav", "03-c.wav"]);
    }

    #[test]
    fn the_ledger_holds_exactly_its_records_in_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let ledger = Ledger::open(&dir.path().join("journal")).expect("open");
        let (a, b) = (record("01-a.wav", "aa"), record("02-b.wav", "bb"));
        assert!(ledger.holds(&[]), "an empty ledger");
        ledger.record(&[a.clone(), b.clone()]).expect("record");
        assert!(ledger.holds(&[a.clone(), b.clone()]));
        assert!(!ledger.holds(&[b.clone(), a.clone()]));
        assert!(!ledger.holds(std::slice::from_ref(&a)));
        assert!(!ledger.holds(&[a.clone(), b.clone(), a]));
    }

    #[test]
    fn only_plain_names_are_recorded() {
        for name in ["../escape.wav", "a/b.wav", ".narrate", "", "a\nb.wav"] {
            assert!(!is_plain_name(name), "{name:?}");
            assert_eq!(Record::parse(record(name, "aa").line().trim_end()), None);
        }
        assert!(is_plain_name("01-it-is.wav"));
    }
}
