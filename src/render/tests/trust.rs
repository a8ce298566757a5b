//! What narrate finds on disk is checked before it is believed: files placed by a run that
//! stopped early, damaged cache entries, a damaged or edited manifest, edits that keep the
//! speech. One test per case, each building the state a killed run or a damaged disk leaves.

use std::path::Path;

use super::{load_manifest, run, run_with, settings, wavs};
use crate::engine::fake::Fake;
use crate::engine::Rate;
use crate::render::store::{self, Store};
use crate::text::normalize::Lexicon;

/// Two paragraphs whose file names (from their first words) survive the edits below.
const SCRIPT: &str = "\
This opening paragraph has a long first sentence for its title. It ends here.
The second paragraph is short, and it also has a long first sentence.
";

/// Every file of `out` (not `.narrate/`) with its bytes.
fn files(out: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(out)
        .expect("ls")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_file())
        .map(|p| {
            let name = p.file_name().expect("name").to_string_lossy().into_owned();
            (name, std::fs::read(&p).expect("read"))
        })
        .collect();
    v.sort();
    v
}

/// A clean build of `script` with `settings` changed by `change`.
fn clean(script: &str, change: impl Fn(&mut crate::config::Settings)) -> Vec<(String, Vec<u8>)> {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut s = settings(dir.path());
    change(&mut s);
    run_with(&s, script, &mut Fake::default(), &Lexicon::default()).expect("render");
    files(dir.path())
}

/// Puts `from`'s files into `out` the way a run does (ledger, then rename), without a
/// manifest: the state of a run killed after placing them.
fn place_as_a_killed_run_would(from: &Path, out: &Path, names: &[String]) {
    let store = Store::open(out).expect("open");
    for name in names {
        let bytes = std::fs::read(from.join(name)).expect("read");
        store.write(name, &bytes).expect("place");
    }
}

#[test]
fn a_file_placed_by_a_killed_run_is_not_kept_after_an_undo() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path();
    run(out, SCRIPT, &mut Fake::default());
    // The edited run got as far as placing paragraph 1's file, then was killed.
    let edited = SCRIPT.replace("It ends here.", "It ends over there.");
    let other = tempfile::tempdir().expect("tempdir");
    run(other.path(), &edited, &mut Fake::default());
    let first = wavs(out)[0].clone();
    assert_eq!(wavs(other.path())[0], first, "the edit keeps the file name");
    place_as_a_killed_run_would(other.path(), out, std::slice::from_ref(&first));
    // The edit is undone: the manifest describes the file of the first run, and the file on
    // disk is the edited one.
    let mut engine = Fake::default();
    let s = run(out, SCRIPT, &mut engine);
    assert!(
        engine.spoken.is_empty(),
        "from the cache: {:?}",
        engine.spoken
    );
    assert_eq!((s.written, s.kept), (1, 1));
    assert_eq!(files(out), clean(SCRIPT, |_| {}));
}

#[test]
fn files_placed_by_a_killed_run_with_other_settings_are_not_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path();
    run(out, SCRIPT, &mut Fake::default());
    let other = tempfile::tempdir().expect("tempdir");
    let mut fast = settings(other.path());
    fast.script.voice.rate = Rate(300);
    run_with(&fast, SCRIPT, &mut Fake::default(), &Lexicon::default()).expect("render");
    place_as_a_killed_run_would(other.path(), out, &wavs(other.path()));
    let s = run(out, SCRIPT, &mut Fake::default());
    assert_eq!(s.written, 2, "both files spoke at 300");
    assert_eq!(files(out), clean(SCRIPT, |_| {}));
}

#[test]
fn an_edit_that_keeps_the_speech_still_changes_the_listings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path();
    let dashed = SCRIPT.replace("It ends here.", "It ends \u{2015} here.");
    run(out, &dashed, &mut Fake::default());
    let edited = dashed.replace('\u{2015}', "\u{2014}");
    let mut engine = Fake::default();
    let s = run(out, &edited, &mut engine);
    assert!(engine.spoken.is_empty(), "{:?}", engine.spoken);
    assert_eq!(s.kept, 2, "the audio is the same");
    let vtt = std::fs::read_to_string(out.join("transcript.vtt")).expect("vtt");
    assert!(vtt.contains("It ends \u{2014} here."), "{vtt}");
    assert_eq!(files(out), clean(&edited, |_| {}));
}

/// Every entry file of the cache of `out`.
fn cache_entries(out: &Path) -> Vec<std::path::PathBuf> {
    let mut entries = Vec::new();
    for shard in std::fs::read_dir(out.join(".narrate/cache")).expect("ls") {
        for entry in std::fs::read_dir(shard.expect("shard").path()).expect("ls") {
            entries.push(entry.expect("entry").path());
        }
    }
    entries.sort();
    entries
}

#[test]
fn a_damaged_cache_entry_is_spoken_again_with_a_warning() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path();
    run(out, SCRIPT, &mut Fake::default());
    let entries = cache_entries(out);
    assert_eq!(entries.len(), 3);
    // 200 flipped bytes in the middle of each entry: their headers stay readable.
    for entry in &entries {
        let mut bytes = std::fs::read(entry).expect("read");
        let middle = bytes.len() / 2;
        for b in &mut bytes[middle..middle + 200] {
            *b ^= 0x5a;
        }
        std::fs::write(entry, bytes).expect("damage");
    }
    for wav in wavs(out) {
        std::fs::remove_file(out.join(wav)).expect("rm");
    }
    let mut engine = Fake::default();
    let s = run(out, SCRIPT, &mut engine);
    assert_eq!(engine.spoken.len(), 3, "{:?}", engine.spoken);
    assert_eq!(s.warnings.len(), 3, "{:?}", s.warnings);
    assert!(
        s.warnings.iter().all(|w| w.contains("damaged cache entry")),
        "{:?}",
        s.warnings
    );
    assert_eq!(files(out), clean(SCRIPT, |_| {}));
    // The entries were replaced: the next build from the cache speaks nothing.
    for wav in wavs(out) {
        std::fs::remove_file(out.join(wav)).expect("rm");
    }
    let mut engine = Fake::default();
    let s = run(out, SCRIPT, &mut engine);
    assert!(engine.spoken.is_empty() && s.warnings.is_empty());
}

#[test]
fn a_truncated_manifest_is_set_aside_and_the_run_rebuilds_from_the_cache() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path();
    run(out, SCRIPT, &mut Fake::default());
    let path = store::manifest_path(out);
    let bytes = std::fs::read(&path).expect("read");
    std::fs::write(&path, &bytes[..bytes.len() / 2]).expect("truncate");
    let mut engine = Fake::default();
    let s = run(out, SCRIPT, &mut engine);
    assert!(engine.spoken.is_empty(), "{:?}", engine.spoken);
    assert_eq!(s.written, 2, "nothing is kept on a damaged manifest's word");
    assert_eq!(s.warnings.len(), 1, "{:?}", s.warnings);
    assert!(
        s.warnings[0].contains("manifest.json") && s.warnings[0].contains("set aside"),
        "{}",
        s.warnings[0]
    );
    let aside = out.join(".narrate").join(store::DAMAGED_MANIFEST);
    assert_eq!(
        std::fs::read(aside).expect("set aside"),
        &bytes[..bytes.len() / 2]
    );
    assert_eq!(files(out), clean(SCRIPT, |_| {}));
    load_manifest(out);
}

#[test]
fn an_edited_manifest_is_never_believed() {
    let longer = |text: &str| {
        // The first paragraph's length, one frame more.
        let at = text.find("\"frames\": ").expect("frames") + 10;
        let end = at + text[at..].find(',').expect("a number");
        let frames: u64 = text[at..end].parse().expect("frames");
        format!("{}{}{}", &text[..at], frames + 1, &text[end..])
    };
    let reword = |text: &str| text.replacen("It ends here.", "It ends elsewhere.", 1);
    type Edit<'a> = &'a dyn Fn(&str) -> String;
    let edits: [(&str, Edit); 2] = [
        ("a word of the transcript", &reword),
        ("a paragraph's length", &longer),
    ];
    for (what, edit) in edits {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path();
        run(out, SCRIPT, &mut Fake::default());
        let path = store::manifest_path(out);
        let text = std::fs::read_to_string(&path).expect("read");
        let edited = edit(&text);
        assert_ne!(edited, text, "{what}");
        std::fs::write(&path, edited).expect("edit");
        let s = run(out, SCRIPT, &mut Fake::default());
        assert_eq!(s.warnings.len(), 1, "{what}: {:?}", s.warnings);
        assert_eq!(files(out), clean(SCRIPT, |_| {}), "{what}");
    }
}

#[test]
fn a_rerun_leaves_the_manifest_byte_for_byte() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path();
    run(out, SCRIPT, &mut Fake::default());
    let path = store::manifest_path(out);
    let first = std::fs::read(&path).expect("read");
    run(out, SCRIPT, &mut Fake::default());
    assert_eq!(std::fs::read(&path).expect("read"), first);
}

#[test]
fn episode_files_a_killed_run_placed_stay_narrates_while_the_episode_is_off() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path();
    let run_as = |script: &str, episode: bool, out: &Path| {
        let mut s = settings(out);
        s.master.episode = episode;
        s.master.episode_wav = episode;
        run_with(&s, script, &mut Fake::default(), &Lexicon::default()).expect("render")
    };
    run_as(SCRIPT, true, out);
    run_as(SCRIPT, false, out);
    // A run of an edit, with the episode on, placed its episode files and was killed.
    let edited = SCRIPT.replace("It ends here.", "It ends over there.");
    let other = tempfile::tempdir().expect("tempdir");
    run_as(&edited, true, other.path());
    let names = [super::super::episode::MP3, super::super::episode::WAV].map(String::from);
    place_as_a_killed_run_would(other.path(), out, &names);
    // The undo runs with the episode off: the episode files stay, and stay narrate's even
    // when the manifest is lost next.
    run_as(SCRIPT, false, out);
    std::fs::write(store::manifest_path(out), "{").expect("damage");
    let s = run_as(SCRIPT, true, out);
    assert_eq!(s.warnings.len(), 1, "{:?}", s.warnings);
    assert_eq!(files(out), clean(SCRIPT, |s| s.master.episode_wav = true));
}
