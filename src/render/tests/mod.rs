//! The rebuild rules, one test each, with the deterministic fake engine.

mod acx;
mod batches;
mod cover;
mod episode;
mod events;
mod foresee;
mod layout;
mod limits;
mod publish;
mod trust;

use std::path::Path;
use std::sync::atomic::AtomicBool;

use super::{Session, Silent, Summary};
use crate::config::{Layout, Master, Publish, ScriptSettings, Settings, Source, Voice};
use crate::engine::fake::Fake;
use crate::engine::{EngineKind, Pitch, Rate, VoiceId};
use crate::error::Error;
use crate::text::normalize::Lexicon;
use crate::text::{parse::parse, Format};

const SCRIPT: &str = "\
First paragraph here. It has two sentences.
Second paragraph is short.
Third paragraph talks. And talks. And talks.
";

fn settings(out: &Path) -> Settings {
    Settings {
        script: ScriptSettings {
            script: Source::File("essay.txt".into()),
            lexicon: None,
            voice: Voice {
                engine: EngineKind::Espeak,
                voice: VoiceId("fake".into()),
                rate: Rate(175),
                pitch: Pitch(50),
                noise: Default::default(),
            },
        },
        output: out.to_path_buf(),
        layout: Layout::default(),
        master: Master::default(),
        publish: Publish::default(),
        credits: Default::default(),
    }
}

fn run_with(
    settings: &Settings,
    script: &str,
    engine: &mut Fake,
    lexicon: &Lexicon,
) -> Result<Summary, Error> {
    let doc = parse(script, Format::Plain);
    Session::new(settings, engine).run(&doc, lexicon, &mut Silent, &AtomicBool::new(false))
}

fn run(out: &Path, script: &str, engine: &mut Fake) -> Summary {
    run_with(&settings(out), script, engine, &Lexicon::default()).expect("render")
}

/// The manifest of `out`, which must be good.
fn load_manifest(out: &Path) -> super::manifest::Manifest {
    match super::manifest::load(&super::store::manifest_path(out), &[], &[]) {
        super::manifest::Loaded::Good(m) => *m,
        other => panic!("{other:?}"),
    }
}

/// Overwrites a frame header in the middle of the MP3 segment at `path`, keeping its size:
/// only reading it tells.
pub(super) fn damage_inside(path: &Path) {
    let mut bytes = std::fs::read(path).expect("segment");
    let middle = bytes.len() / 2;
    let at = middle
        + bytes[middle..]
            .windows(2)
            .position(|w| w[0] == 0xFF && w[1] & 0xE0 == 0xE0)
            .expect("a frame");
    bytes[at..at + 4].fill(0);
    std::fs::write(path, &bytes).expect("damage");
}

fn wavs(out: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(out)
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".wav") && n != super::episode::WAV)
        .collect();
    names.sort();
    names
}

#[test]
fn first_run_synthesizes_every_sentence_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut engine = Fake::default();
    let s = run(dir.path(), SCRIPT, &mut engine);
    assert_eq!(s.paragraphs, 3);
    assert_eq!(s.sentences, 6);
    // "And talks." appears twice in paragraph 3 and is spoken once.
    assert_eq!(engine.spoken.len(), 5, "{:?}", engine.spoken);
    assert_eq!(s.synthesized, 5);
    assert_eq!(wavs(dir.path()).len(), 3);
}

#[test]
fn noop_rebuild_synthesizes_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    run(dir.path(), SCRIPT, &mut Fake::default());
    let mut engine = Fake::default();
    let s = run(dir.path(), SCRIPT, &mut engine);
    assert!(engine.spoken.is_empty());
    assert_eq!((s.kept, s.written, s.synthesized), (3, 0, 0));
}

#[test]
fn edited_sentence_only_resynthesizes_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    run(dir.path(), SCRIPT, &mut Fake::default());
    let edited = SCRIPT.replace("It has two sentences.", "It has two short sentences.");
    let mut engine = Fake::default();
    let s = run(dir.path(), &edited, &mut engine);
    assert_eq!(
        engine.spoken,
        vec!["It has two short sentences.".to_owned()]
    );
    assert_eq!((s.kept, s.written), (2, 1));
}

#[test]
fn unchanged_paragraph_file_is_not_rewritten() {
    let dir = tempfile::tempdir().expect("tempdir");
    run(dir.path(), SCRIPT, &mut Fake::default());
    let names = wavs(dir.path());
    let second = dir.path().join(&names[1]);
    let bytes = std::fs::read(&second).expect("read");
    let mtime = std::fs::metadata(&second)
        .and_then(|m| m.modified())
        .expect("mtime");
    std::thread::sleep(std::time::Duration::from_millis(20));
    let edited = SCRIPT.replace("First paragraph here.", "The first paragraph here.");
    run(dir.path(), &edited, &mut Fake::default());
    assert_eq!(std::fs::read(&second).expect("read"), bytes);
    assert_eq!(
        std::fs::metadata(&second)
            .and_then(|m| m.modified())
            .expect("mtime"),
        mtime
    );
}

#[test]
fn inserted_paragraph_renumbers_files_without_synthesizing_anything_else() {
    let dir = tempfile::tempdir().expect("tempdir");
    run(dir.path(), SCRIPT, &mut Fake::default());
    let before = wavs(dir.path());
    let inserted = format!("A brand new opening.\n{SCRIPT}");
    let mut engine = Fake::default();
    let s = run(dir.path(), &inserted, &mut engine);
    assert_eq!(engine.spoken, vec!["A brand new opening.".to_owned()]);
    let after = wavs(dir.path());
    assert_eq!(after.len(), 4);
    assert!(after[0].starts_with("01-a-brand-new-opening"), "{after:?}");
    // The old paragraph 1 is now paragraph 2, with the same audio.
    assert!(after[1].starts_with("02-first-paragraph"), "{after:?}");
    assert_eq!(
        s.removed,
        before.iter().filter(|b| !after.contains(b)).count()
    );
}

#[test]
fn deleted_paragraph_renumbers_files_and_removes_the_old_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    run(dir.path(), SCRIPT, &mut Fake::default());
    let first = wavs(dir.path())[0].clone();
    let bytes_of_third = std::fs::read(dir.path().join(&wavs(dir.path())[2])).expect("read");
    let deleted = SCRIPT.replacen("First paragraph here. It has two sentences.\n", "", 1);
    let mut engine = Fake::default();
    run(dir.path(), &deleted, &mut engine);
    assert!(engine.spoken.is_empty(), "{:?}", engine.spoken);
    let after = wavs(dir.path());
    assert_eq!(after.len(), 2, "{after:?}");
    assert!(!after.contains(&first));
    assert_eq!(
        std::fs::read(dir.path().join(&after[1])).expect("read"),
        bytes_of_third
    );
}

#[test]
fn voice_change_resynthesizes_everything() {
    let dir = tempfile::tempdir().expect("tempdir");
    run(dir.path(), SCRIPT, &mut Fake::default());
    for change in [
        |s: &mut Settings| s.script.voice.voice = VoiceId("other".into()),
        |s: &mut Settings| s.script.voice.rate = Rate(200),
        |s: &mut Settings| s.script.voice.pitch = Pitch(60),
    ] {
        let mut changed = settings(dir.path());
        change(&mut changed);
        let mut engine = Fake::default();
        run_with(&changed, SCRIPT, &mut engine, &Lexicon::default()).expect("render");
        assert_eq!(engine.spoken.len(), 5, "{:?}", engine.spoken);
    }
}

#[test]
fn engine_version_change_resynthesizes_everything() {
    let dir = tempfile::tempdir().expect("tempdir");
    run(dir.path(), SCRIPT, &mut Fake::default());
    let mut engine = Fake {
        version: "fake-2".into(),
        ..Fake::default()
    };
    run(dir.path(), SCRIPT, &mut engine);
    assert_eq!(engine.spoken.len(), 5);
}

#[test]
fn layout_change_rewrites_files_from_the_cache() {
    let dir = tempfile::tempdir().expect("tempdir");
    run(dir.path(), SCRIPT, &mut Fake::default());
    let mut changed = settings(dir.path());
    changed.layout.sentence_pause *= 2;
    let mut engine = Fake::default();
    let s = run_with(&changed, SCRIPT, &mut engine, &Lexicon::default()).expect("render");
    assert!(engine.spoken.is_empty());
    assert_eq!(s.written, 3);
}

#[test]
fn file_of_a_gone_paragraph_is_removed_only_if_narrate_wrote_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("03-mine.wav"), b"not narrate's").expect("write");
    std::fs::write(dir.path().join("notes.txt"), b"mine").expect("write");
    run(dir.path(), SCRIPT, &mut Fake::default());
    run(
        dir.path(),
        "Only one paragraph now.\n",
        &mut Fake::default(),
    );
    let after = wavs(dir.path());
    assert_eq!(after.len(), 2, "{after:?}");
    assert!(after.contains(&"03-mine.wav".to_owned()));
    assert!(dir.path().join("notes.txt").exists());
}

#[test]
fn a_file_narrate_did_not_write_is_never_replaced() {
    let names = {
        let elsewhere = tempfile::tempdir().expect("tempdir");
        run(elsewhere.path(), SCRIPT, &mut Fake::default());
        wavs(elsewhere.path())
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path();
    std::fs::write(out.join(&names[0]), b"the user's recording").expect("write");
    std::fs::write(out.join("chapters.txt"), b"the user's notes").expect("write");
    let mut engine = Fake::default();
    let err = run_with(&settings(out), SCRIPT, &mut engine, &Lexicon::default())
        .expect_err("a run over someone else's files");
    match &err {
        Error::Foreign { path, others } => {
            assert_eq!(path, &out.join(&names[0]));
            assert_eq!(*others, 1, "chapters.txt too");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.exit_code(), crate::error::exit::OUTPUT);
    assert!(engine.spoken.is_empty(), "refused before speaking");
    assert_eq!(
        std::fs::read(out.join(&names[0])).expect("read"),
        b"the user's recording"
    );
    assert_eq!(
        std::fs::read(out.join("chapters.txt")).expect("read"),
        b"the user's notes"
    );
    let mut left: Vec<String> = std::fs::read_dir(out)
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        [names[0].clone(), "chapters.txt".to_owned()],
        "nothing else"
    );

    // Moved away, the run goes ahead.
    std::fs::remove_file(out.join(&names[0])).expect("rm");
    std::fs::remove_file(out.join("chapters.txt")).expect("rm");
    run(out, SCRIPT, &mut Fake::default());
    assert_eq!(wavs(out), names);
}

#[test]
fn listings_and_episode_narrate_wrote_stay_its_own() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path();
    // A first run killed after its listings and episode appeared, before its manifest: only
    // the ledger says they are narrate's.
    {
        let store = super::store::Store::open(out).expect("open");
        store
            .write("chapters.txt", b"a killed run's listing")
            .expect("write");
        store
            .write(super::episode::MP3, b"a killed run's episode")
            .expect("write");
    }
    run(out, SCRIPT, &mut Fake::default());
    assert_ne!(
        std::fs::read(out.join("chapters.txt")).expect("read"),
        b"a killed run's listing"
    );
    let without_episode = |out: &Path| {
        let mut s = settings(out);
        s.master.episode = false;
        run_with(&s, SCRIPT, &mut Fake::default(), &Lexicon::default()).expect("render");
    };
    // An episode, a run without one, an episode again: still narrate's files.
    without_episode(out);
    run(out, SCRIPT, &mut Fake::default());

    // But an episode file of the user's, where narrate's manifest records none, is refused.
    let other = tempfile::tempdir().expect("tempdir");
    without_episode(other.path());
    std::fs::write(other.path().join(super::episode::MP3), b"the user's").expect("write");
    let err = run_with(
        &settings(other.path()),
        SCRIPT,
        &mut Fake::default(),
        &Lexicon::default(),
    )
    .expect_err("the user's episode.mp3");
    assert!(
        matches!(&err, Error::Foreign { path, others: 0 } if path.ends_with(super::episode::MP3)),
        "{err:?}"
    );
}

#[test]
fn deleted_paragraph_file_is_written_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    run(dir.path(), SCRIPT, &mut Fake::default());
    let name = wavs(dir.path())[1].clone();
    std::fs::remove_file(dir.path().join(&name)).expect("rm");
    let mut engine = Fake::default();
    let s = run(dir.path(), SCRIPT, &mut engine);
    assert!(engine.spoken.is_empty());
    assert_eq!(s.written, 1);
    assert!(dir.path().join(&name).exists());
}

#[test]
fn corrupt_cache_entry_is_synthesized_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    run(dir.path(), SCRIPT, &mut Fake::default());
    let cache = dir.path().join(".narrate/cache");
    for shard in std::fs::read_dir(&cache).expect("ls") {
        for entry in std::fs::read_dir(shard.expect("shard").path()).expect("ls") {
            std::fs::write(entry.expect("entry").path(), b"garbage").expect("corrupt");
        }
    }
    std::fs::remove_file(dir.path().join(&wavs(dir.path())[0])).expect("rm");
    let mut engine = Fake::default();
    run(dir.path(), SCRIPT, &mut engine);
    assert_eq!(engine.spoken.len(), 2, "paragraph 1's two sentences");
}

#[test]
fn failed_paragraph_does_not_sink_the_batch() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut engine = Fake {
        fail_on: Some("Second".into()),
        ..Fake::default()
    };
    let err = run_with(
        &settings(dir.path()),
        SCRIPT,
        &mut engine,
        &Lexicon::default(),
    )
    .expect_err("one paragraph fails");
    assert!(
        matches!(err, Error::Partial { count: 1, total: 3 }),
        "{err}"
    );
    assert_eq!(err.exit_code(), crate::error::exit::PARTIAL);
    assert_eq!(wavs(dir.path()).len(), 2);
    // Fixed engine: only the failed paragraph is synthesized.
    let mut engine = Fake::default();
    run(dir.path(), SCRIPT, &mut engine);
    assert_eq!(engine.spoken, vec!["Second paragraph is short.".to_owned()]);
}

#[test]
fn clean_and_incremental_builds_give_identical_files() {
    let a = tempfile::tempdir().expect("tempdir");
    let b = tempfile::tempdir().expect("tempdir");
    run(
        a.path(),
        "Old text one.\nMiddle stays.\n",
        &mut Fake::default(),
    );
    let last = "New text one. More.\nMiddle stays.\nAnd a third.\n";
    run(a.path(), last, &mut Fake::default());
    run(b.path(), last, &mut Fake::default());
    let (wa, wb) = (wavs(a.path()), wavs(b.path()));
    assert_eq!(wa, wb);
    for name in &wa {
        assert_eq!(
            std::fs::read(a.path().join(name)).expect("a"),
            std::fs::read(b.path().join(name)).expect("b"),
            "{name}"
        );
    }
    for listing in ["chapters.json", "transcript.vtt", "playlist.m3u8"] {
        assert_eq!(
            std::fs::read(a.path().join(listing)).expect("a"),
            std::fs::read(b.path().join(listing)).expect("b"),
            "{listing}"
        );
    }
}

#[test]
fn listings_match_the_manifest() {
    let dir = tempfile::tempdir().expect("tempdir");
    run(dir.path(), SCRIPT, &mut Fake::default());
    let manifest = load_manifest(dir.path());
    assert_eq!(manifest.paragraphs.len(), 3);
    for p in &manifest.paragraphs {
        let (samples, rate) = crate::audio::wav::read_i16(&dir.path().join(&p.file)).expect("wav");
        assert_eq!(samples.len() as u64, p.frames);
        assert_eq!(rate, manifest.sample_rate);
        for s in &p.sentences {
            assert!(s.start < s.end && s.end <= p.frames);
        }
    }
    let json = std::fs::read_to_string(dir.path().join("chapters.json")).expect("json");
    assert_eq!(json.matches("startTime").count(), 3);
}

#[test]
fn lexicon_edit_resynthesizes_only_sentences_with_the_changed_entry() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = Path::new("lexicon.toml");
    let lexicon = |say: &str| {
        Lexicon::parse(
            &format!("[[word]]\ntext = \"talks\"\nsay = \"{say}\"\n"),
            path,
        )
        .expect("lexicon")
    };
    let s = settings(dir.path());
    run_with(&s, SCRIPT, &mut Fake::default(), &lexicon("torks")).expect("render");
    let mut engine = Fake::default();
    run_with(&s, SCRIPT, &mut engine, &lexicon("tawks")).expect("render");
    // "Third paragraph talks. And talks. And talks." holds the word; nothing else does.
    assert_eq!(
        engine.spoken,
        vec!["Third paragraph tawks.".to_owned(), "And tawks.".to_owned()]
    );
}
