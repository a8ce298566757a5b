//! The output folder's state: lock, staging, what is claimed, commit and removal.

use super::*;

#[test]
fn second_store_on_same_folder_is_locked_out() {
    let dir = tempfile::tempdir().expect("tempdir");
    let _first = Store::open(dir.path()).expect("first");
    let second = Store::open(dir.path());
    assert!(matches!(second, Err(Error::Locked { .. })), "{second:?}");
}

fn manifest() -> Manifest {
    Manifest {
        format: super::super::manifest::FORMAT,
        generator: "test".into(),
        title: "t".into(),
        sample_rate: 8000,
        paragraphs: vec![],
        stale: vec![],
        episode: None,
        listings: Default::default(),
    }
}

#[test]
fn a_placed_file_is_narrates_while_it_is_the_file_placed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path();
    let store = Store::open(out).expect("open");
    let stamp = store
        .write("episode.mp3", b"narrate's episode")
        .expect("write");
    assert_eq!(stamp.size, 17);
    assert!(intact(out, "episode.mp3", &stamp));
    drop(store);
    // A run killed before its manifest: only the ledger says the file is narrate's.
    let owned = owned_files(out, &Loaded::Missing);
    assert!(owned.contains("episode.mp3"), "{owned:?}");
    // Someone puts their own file under the name: it is theirs.
    std::fs::write(out.join("episode.mp3"), b"the user's episode").expect("write");
    assert!(!owned_files(out, &Loaded::Missing).contains("episode.mp3"));
    assert!(!intact(out, "episode.mp3", &stamp));
    // Gone, the name is narrate's to write again.
    std::fs::remove_file(out.join("episode.mp3")).expect("rm");
    assert!(owned_files(out, &Loaded::Missing).contains("episode.mp3"));
}

#[test]
fn a_commit_leaves_the_ledger_saying_what_the_manifest_says() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path();
    let store = Store::open(out).expect("open");
    let a = store.write("chapters.txt", b"a").expect("write");
    store.write("notes.txt", b"b").expect("write");
    let mut m = manifest();
    m.listings.insert("chapters.txt".into(), a);
    store.commit(&m).expect("commit");
    // A damaged manifest: the ledger alone still knows the files of the last commit.
    std::fs::write(manifest_path(out), b"{").expect("damage");
    let owned = owned_files(out, &Loaded::Damaged { reason: "x".into() });
    assert_eq!(owned, HashSet::from(["chapters.txt".to_owned()]));
    let loaded = super::super::manifest::load(&manifest_path(out), &[], &[]);
    assert!(matches!(loaded, Loaded::Damaged { .. }), "{loaded:?}");
}

#[test]
fn abandoning_a_new_folder_leaves_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("new");
    Store::open(&out).expect("open").abandon();
    assert!(!out.exists());
    // A folder that was there stays, with what it holds.
    std::fs::create_dir(&out).expect("mkdir");
    std::fs::write(out.join("mine.txt"), b"x").expect("write");
    Store::open(&out).expect("open").abandon();
    assert!(out.join("mine.txt").exists());
    assert!(!out.join(STATE_DIR).exists());
}

#[test]
fn files_are_staged_in_the_state_folder_and_a_killed_runs_are_cleared() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path();
    let store = Store::open(out).expect("open");
    let staged = store.stage("episode.mp3").expect("stage");
    assert_eq!(
        staged.path().parent(),
        Some(&*out.join(STATE_DIR).join("tmp"))
    );
    // Killed before placing it: the next run clears it.
    let (_, left) = staged.keep().expect("keep");
    drop(store);
    Store::open(out).expect("open again");
    assert!(!left.exists(), "{left:?}");
}

#[test]
#[cfg(unix)]
fn a_link_under_a_recorded_name_is_not_claimed_even_to_the_recorded_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path();
    let store = Store::open(out).expect("open");
    // As long as the link's own text, so only the kind of entry tells them apart.
    store.write("a.txt", b"kept/copy").expect("write");
    drop(store);
    std::fs::create_dir(out.join("kept")).expect("mkdir");
    std::fs::rename(out.join("a.txt"), out.join("kept/copy")).expect("move");
    std::os::unix::fs::symlink("kept/copy", out.join("a.txt")).expect("link");
    assert!(!owned_files(out, &Loaded::Missing).contains("a.txt"));
}

#[test]
fn a_recorded_name_that_cannot_be_looked_up_is_not_claimed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path();
    let store = Store::open(out).expect("open");
    // Longer than a file name may be: looking it up fails, and not as "not found".
    let name = "a".repeat(300);
    let record = Record {
        name: name.clone(),
        hash: "0".repeat(64),
        size: 1,
    };
    store.ledger.record(&[record]).expect("record");
    drop(store);
    let err = std::fs::symlink_metadata(out.join(&name)).expect_err("too long");
    assert_ne!(err.kind(), std::io::ErrorKind::NotFound);
    assert!(!owned_files(out, &Loaded::Missing).contains(&name));
}

#[test]
fn a_file_of_the_recorded_size_with_other_content_is_not_claimed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path();
    Store::open(out)
        .expect("open")
        .write("episode.mp3", b"narrate's")
        .expect("write");
    std::fs::write(out.join("episode.mp3"), b"the users").expect("replace");
    assert!(!owned_files(out, &Loaded::Missing).contains("episode.mp3"));
}

#[test]
fn a_run_waits_for_a_lock_released_in_a_moment() {
    let dir = tempfile::tempdir().expect("tempdir");
    let first = Store::open(dir.path()).expect("first");
    let both = std::sync::Arc::new(std::sync::Barrier::new(2));
    let ready = both.clone();
    let releasing = std::thread::spawn(move || {
        ready.wait();
        std::thread::sleep(std::time::Duration::from_millis(50));
        drop(first);
    });
    both.wait();
    let second = Store::open(dir.path());
    releasing.join().expect("join");
    assert!(second.is_ok(), "{:?}", second.err());
}

#[test]
fn abandoning_a_folder_narrate_used_before_keeps_its_state() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path();
    let store = Store::open(out).expect("open");
    store.commit(&manifest()).expect("commit");
    drop(store);
    // Nothing in the journal and no cache, but the state was there before this run.
    Store::open(out).expect("open").abandon();
    assert!(manifest_path(out).exists());
}

#[test]
fn a_commit_keeps_another_record_only_while_it_describes_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path();
    let store = Store::open(out).expect("open");
    let first = store.write("chapters.txt", b"first").expect("write");
    // A killed run placed another version; the manifest still carries the first.
    store.write("chapters.txt", b"again").expect("write");
    let mut m = manifest();
    m.listings.insert("chapters.txt".into(), first.clone());
    let record = |stamp: &FileStamp| Record {
        name: "chapters.txt".into(),
        hash: stamp.hash.clone(),
        size: stamp.size,
    };
    let again = FileStamp::read(&out.join("chapters.txt")).expect("stamp");
    store.commit(&m).expect("commit");
    let kept = ledger::read(&ledger_path(out)).remove("chapters.txt");
    assert_eq!(kept, Some(vec![record(&first), record(&again)]));
    // Someone's file of the same size in its place: only the manifest's record stays.
    std::fs::write(out.join("chapters.txt"), b"users").expect("replace");
    store.commit(&m).expect("commit");
    let kept = ledger::read(&ledger_path(out)).remove("chapters.txt");
    assert_eq!(kept, Some(vec![record(&first)]));
}

#[test]
fn removing_a_file_already_gone_is_done_and_a_folder_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = &dir.path().join("out");
    let store = Store::open(out).expect("open");
    store.write("a.wav", b"x").expect("write");
    store.remove("a.wav").expect("remove");
    assert!(!out.join("a.wav").exists());
    store.remove("a.wav").expect("already gone");
    std::fs::create_dir(out.join("b.wav")).expect("mkdir");
    let err = store.remove("b.wav").expect_err("a folder");
    assert!(err.to_string().contains("b.wav"), "{err}");
    assert!(out.join("b.wav").is_dir());
    // Only plain names: nothing outside the folder, whatever the name says.
    std::fs::write(dir.path().join("c"), b"x").expect("write");
    store.remove("../c").expect("not plain: left alone");
    assert!(dir.path().join("c").exists());
}
