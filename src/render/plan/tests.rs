//! The rebuild rules of [`plan`], one test each, with plain values: no engine, no disk.

use std::collections::HashSet;
use std::time::Duration;

use super::*;
use crate::config::{Layout, Voice};
use crate::engine::{EngineKind, Pitch, Rate, VoiceId};
use crate::render::manifest::{ParagraphEntry, SentenceEntry};
use crate::script::prepare;
use crate::text::normalize::Lexicon;
use crate::text::{parse::parse, Format};

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

/// The keyed paragraphs of `script` (one paragraph a line).
fn keyed(script: &str) -> Vec<Keyed> {
    keyed_with(script, &Layout::default(), Preset::Podcast)
}

fn shape(layout: &Layout, loudness: Preset, episode_rate: u32) -> Shape<'_> {
    Shape {
        layout,
        loudness,
        episode_rate,
    }
}

fn keyed_with(script: &str, layout: &Layout, loudness: Preset) -> Vec<Keyed> {
    prepare(&parse(script, Format::Plain), &Lexicon::default())
        .into_iter()
        .map(|p| key(p, &voice(), &stamp(), shape(layout, loudness, 44_100)))
        .collect()
}

/// A manifest that records `paragraphs` as written.
fn manifest_of(paragraphs: &[Keyed]) -> Manifest {
    Manifest {
        format: crate::render::manifest::FORMAT,
        generator: "test".into(),
        title: "t".into(),
        sample_rate: 22050,
        paragraphs: paragraphs
            .iter()
            .map(|k| ParagraphEntry {
                index: k.paragraph.index,
                file: k.paragraph.file.clone(),
                title: k.paragraph.title.clone(),
                chapter: k.paragraph.chapter.clone(),
                hash: k.hash.clone(),
                stamp: Default::default(),
                frames: 1000,
                loudness: None,
                sentences: k
                    .paragraph
                    .sentences
                    .iter()
                    .zip(&k.keys)
                    .map(|(s, keys)| SentenceEntry {
                        text: s.text.clone(),
                        speech: s.speech.clone(),
                        keys: keys.clone(),
                        start: 0,
                        end: 1,
                    })
                    .collect(),
            })
            .collect(),
        stale: vec![],
        episode: None,
        listings: Default::default(),
    }
}

/// The world as `plan` asks about it.
struct World {
    cached: HashSet<Key>,
    on_disk: HashSet<String>,
    intact: HashSet<String>,
}

impl World {
    /// Nothing cached, nothing on disk.
    fn empty() -> World {
        World {
            cached: HashSet::new(),
            on_disk: HashSet::new(),
            intact: HashSet::new(),
        }
    }

    /// Every sentence of `paragraphs` cached and every file on disk and intact.
    fn built(paragraphs: &[Keyed]) -> World {
        let files: HashSet<String> = paragraphs
            .iter()
            .map(|k| k.paragraph.file.clone())
            .collect();
        World {
            cached: paragraphs.iter().flat_map(|k| k.keys.concat()).collect(),
            on_disk: files.clone(),
            intact: files,
        }
    }

    fn plan(&self, paragraphs: Vec<Keyed>, previous: Option<&Manifest>) -> Plan {
        let owned: HashSet<String> = previous
            .map(|m| m.paragraphs.iter().map(|p| p.file.clone()).collect())
            .unwrap_or_default();
        self.plan_owning(paragraphs, previous, &owned)
    }

    fn plan_owning(
        &self,
        paragraphs: Vec<Keyed>,
        previous: Option<&Manifest>,
        owned: &HashSet<String>,
    ) -> Plan {
        plan(
            paragraphs,
            previous,
            owned,
            &["chapters.txt", "episode.mp3"],
            &Facts {
                cached: &|k| self.cached.contains(k),
                on_disk: &|f| self.on_disk.contains(f),
                intact: &|f| self.intact.contains(f),
            },
        )
    }
}

const SCRIPT: &str = "\
First paragraph here. It has two sentences.
Second paragraph is short.
Third paragraph talks. And talks. And talks.
";

/// (action, reason) of each step.
fn decisions(plan: &Plan) -> Vec<(Action, Reason)> {
    plan.steps
        .iter()
        .map(|s| (s.action.clone(), s.reason))
        .collect()
}

fn synthesize(sentences: &[usize]) -> Action {
    Action::Synthesize {
        sentences: sentences.to_vec(),
    }
}

#[test]
fn a_first_run_synthesizes_every_sentence_and_a_repeat_once() {
    let plan = World::empty().plan(keyed(SCRIPT), None);
    assert_eq!(
        decisions(&plan),
        [
            (synthesize(&[0, 1]), Reason::New),
            (synthesize(&[0]), Reason::New),
            // "And talks." twice: only its first time is spoken.
            (synthesize(&[0, 1]), Reason::New),
        ]
    );
    assert_eq!(plan.pieces_to_synthesize(), 5);
    assert!(plan.remove.is_empty() && plan.foreign.is_empty());
}

#[test]
fn a_sentence_in_two_paragraphs_is_synthesized_by_the_first_only() {
    let plan = World::empty().plan(keyed("Same words.\nOther words. Same words.\n"), None);
    assert_eq!(
        decisions(&plan),
        [
            (synthesize(&[0]), Reason::New),
            (synthesize(&[0]), Reason::New)
        ]
    );
}

#[test]
fn an_unchanged_paragraph_with_its_file_intact_is_kept() {
    let paragraphs = keyed(SCRIPT);
    let previous = manifest_of(&paragraphs);
    let plan = World::built(&paragraphs).plan(paragraphs, Some(&previous));
    assert_eq!(decisions(&plan), vec![(Action::Keep, Reason::Unchanged); 3]);
    assert_eq!(plan.pieces_to_synthesize(), 0);
}

#[test]
fn an_unchanged_paragraph_whose_file_differs_is_assembled_again() {
    let paragraphs = keyed(SCRIPT);
    let previous = manifest_of(&paragraphs);
    let mut world = World::built(&paragraphs);
    world.intact.remove(&paragraphs[1].paragraph.file);
    let plan = world.plan(paragraphs, Some(&previous));
    assert_eq!(decisions(&plan)[1], (Action::Assemble, Reason::FileDiffers));
}

#[test]
fn an_unchanged_paragraph_whose_file_is_gone_is_assembled_from_the_cache() {
    let paragraphs = keyed(SCRIPT);
    let previous = manifest_of(&paragraphs);
    let mut world = World::built(&paragraphs);
    let file = paragraphs[2].paragraph.file.clone();
    world.on_disk.remove(&file);
    world.intact.remove(&file);
    let plan = world.plan(paragraphs, Some(&previous));
    assert_eq!(decisions(&plan)[2], (Action::Assemble, Reason::FileMissing));
}

#[test]
fn only_the_sentences_missing_from_the_cache_are_synthesized() {
    let before = keyed(SCRIPT);
    let previous = manifest_of(&before);
    let world = World::built(&before);
    let edited = keyed(&SCRIPT.replace("It has two sentences.", "It has two short sentences."));
    let plan = world.plan(edited, Some(&previous));
    assert_eq!(
        decisions(&plan),
        [
            (synthesize(&[1]), Reason::New),
            (Action::Keep, Reason::Unchanged),
            (Action::Keep, Reason::Unchanged),
        ]
    );
    let Action::Synthesize { sentences } = &plan.steps[0].action else {
        panic!("synthesize")
    };
    assert_eq!(
        plan.steps[0].keyed.paragraph.sentences[sentences[0]].text,
        "It has two short sentences."
    );
}

#[test]
fn a_paragraph_whose_sentences_are_all_cached_is_assembled_not_synthesized() {
    // Cached sentences in a paragraph never seen: nothing to speak.
    let paragraphs = keyed("Second paragraph is short. First paragraph here.\n");
    let world = World {
        cached: paragraphs.iter().flat_map(|k| k.keys.concat()).collect(),
        ..World::empty()
    };
    let plan = world.plan(paragraphs, None);
    assert_eq!(decisions(&plan), [(Action::Assemble, Reason::New)]);
}

#[test]
fn a_paragraph_under_a_new_number_is_renumbered_not_new() {
    let before = keyed(SCRIPT);
    let previous = manifest_of(&before);
    let world = World::built(&before);
    let plan = world.plan(
        keyed(&format!("A brand new opening.\n{SCRIPT}")),
        Some(&previous),
    );
    assert_eq!(
        decisions(&plan),
        [
            (synthesize(&[0]), Reason::New),
            (Action::Assemble, Reason::Renumbered),
            (Action::Assemble, Reason::Renumbered),
            (Action::Assemble, Reason::Renumbered),
        ]
    );
}

#[test]
fn a_paragraph_with_other_text_under_a_known_file_name_is_changed() {
    let before = keyed("Heading words stay the same for a long while. Then one ending.\n");
    let previous = manifest_of(&before);
    let world = World::built(&before);
    let after = keyed("Heading words stay the same for a long while. Then another ending.\n");
    assert_eq!(after[0].paragraph.file, before[0].paragraph.file);
    let plan = world.plan(after, Some(&previous));
    assert_eq!(decisions(&plan), [(synthesize(&[1]), Reason::Changed)]);
}

#[test]
fn a_layout_or_loudness_change_assembles_every_file_again() {
    let before = keyed(SCRIPT);
    let previous = manifest_of(&before);
    let world = World::built(&before);
    let slower = Layout {
        sentence_pause: Duration::from_millis(600),
        ..Layout::default()
    };
    for after in [
        keyed_with(SCRIPT, &slower, Preset::Podcast),
        keyed_with(SCRIPT, &Layout::default(), Preset::Ebu),
    ] {
        let plan = world.plan(after, Some(&previous));
        assert_eq!(
            decisions(&plan),
            vec![(Action::Assemble, Reason::Changed); 3]
        );
    }
}

#[test]
fn files_of_gone_paragraphs_are_removed_when_narrate_owns_them_and_they_exist() {
    let before = keyed(SCRIPT);
    let previous = manifest_of(&before);
    let mut world = World::built(&before);
    let names: Vec<String> = before.iter().map(|k| k.paragraph.file.clone()).collect();
    // Narrate's own file of a paragraph that is gone; one that is already gone from disk;
    // someone else's; the listings and the episode.
    let mut owned: HashSet<String> = names.iter().cloned().collect();
    owned.extend([
        "07-gone-from-disk.wav".to_owned(),
        "chapters.txt".to_owned(),
    ]);
    world.on_disk.extend([
        "05-not-narrates.wav".to_owned(),
        "chapters.txt".to_owned(),
        "episode.mp3".to_owned(),
    ]);
    let plan = world.plan_owning(
        keyed("Second paragraph is short.\n"),
        Some(&previous),
        &owned,
    );
    // The one paragraph left is now number 1: all three old names are gone.
    let mut expected = names;
    expected.sort();
    assert_eq!(plan.remove, expected);
}

#[test]
fn a_file_narrate_does_not_own_under_a_name_it_would_write_is_foreign() {
    let paragraphs = keyed(SCRIPT);
    let mut world = World::empty();
    world.on_disk.insert(paragraphs[1].paragraph.file.clone());
    let plan = world.plan(paragraphs.clone(), None);
    assert_eq!(plan.foreign, [paragraphs[1].paragraph.file.clone()]);
    let refusal = plan.refusal(std::path::Path::new("out")).expect("refused");
    assert!(matches!(
        refusal,
        crate::error::Error::Foreign { ref path, others: 0 }
            if path == &std::path::Path::new("out").join(&paragraphs[1].paragraph.file)
    ));
    // Owned, or not there: nobody else's.
    let owned: HashSet<String> = [paragraphs[1].paragraph.file.clone()].into();
    assert!(world
        .plan_owning(paragraphs.clone(), None, &owned)
        .foreign
        .is_empty());
    assert!(World::empty()
        .plan(paragraphs, None)
        .refusal(std::path::Path::new("out"))
        .is_none());
}

#[test]
fn a_kept_file_is_never_foreign() {
    let paragraphs = keyed(SCRIPT);
    let previous = manifest_of(&paragraphs);
    let plan = World::built(&paragraphs).plan_owning(paragraphs, Some(&previous), &HashSet::new());
    assert!(plan.foreign.is_empty(), "{:?}", plan.foreign);
}

#[test]
fn the_refusal_counts_the_other_foreign_files() {
    let paragraphs = keyed(SCRIPT);
    let mut world = World::empty();
    world
        .on_disk
        .extend(paragraphs.iter().map(|k| k.paragraph.file.clone()));
    let plan = world.plan(paragraphs, None);
    assert!(matches!(
        plan.refusal(std::path::Path::new("out")),
        Some(crate::error::Error::Foreign { others: 2, .. })
    ));
}

#[test]
fn pieces_to_synthesize_counts_the_pieces_of_long_sentences() {
    let long = format!("Word {}.", "word ".repeat(200).trim_end());
    let paragraphs = keyed(&format!("Short one. {long}\n"));
    let pieces = paragraphs[0].keys[1].len();
    assert!(pieces > 1, "a sentence that long is spoken in pieces");
    let plan = World::empty().plan(paragraphs, None);
    assert_eq!(plan.pieces_to_synthesize(), 1 + pieces);
}

#[test]
fn the_paragraph_hash_depends_on_every_input_of_its_file() {
    let base = &keyed(SCRIPT)[0];
    let hash_at = |layout: &Layout, loudness: Preset, stamp: &EngineStamp, episode_rate| {
        let p = prepare(&parse(SCRIPT, Format::Plain), &Lexicon::default()).remove(0);
        key(p, &voice(), stamp, shape(layout, loudness, episode_rate)).hash
    };
    let hash = |layout: &Layout, loudness: Preset, stamp: &EngineStamp| {
        hash_at(layout, loudness, stamp, 44_100)
    };
    let layout = Layout::default();
    assert_eq!(base.hash, hash(&layout, Preset::Podcast, &stamp()));
    // The tail is padded to whole MP3 frames at the episode rate.
    assert_ne!(
        base.hash,
        hash_at(&layout, Preset::Podcast, &stamp(), 48_000)
    );
    let changed = [
        Layout {
            head: Duration::from_millis(251),
            ..layout
        },
        Layout {
            tail: Duration::from_millis(601),
            ..layout
        },
        Layout {
            fade: Duration::from_millis(9),
            ..layout
        },
        Layout {
            sentence_pause: Duration::from_millis(301),
            ..layout
        },
    ];
    for other in changed {
        assert_ne!(
            base.hash,
            hash(&other, Preset::Podcast, &stamp()),
            "{other:?}"
        );
    }
    assert_ne!(base.hash, hash(&layout, Preset::Off, &stamp()));
    let mut other_rate = stamp();
    other_rate.sample_rate = 16_000;
    assert_ne!(base.hash, hash(&layout, Preset::Podcast, &other_rate));
    // The keys are the engine's request per piece.
    assert_eq!(
        base.keys[0],
        [Key::new(
            &voice(),
            &stamp(),
            &base.paragraph.sentences[0].pieces[0]
        )]
    );
}

#[test]
fn each_reason_reads_as_narrate_plan_prints_it() {
    let shown: Vec<String> = [
        Reason::Unchanged,
        Reason::FileMissing,
        Reason::FileDiffers,
        Reason::Renumbered,
        Reason::Changed,
        Reason::New,
    ]
    .iter()
    .map(Reason::to_string)
    .collect();
    assert_eq!(
        shown,
        [
            "unchanged",
            "file missing",
            "file differs from the one narrate wrote",
            "renumbered",
            "changed",
            "new"
        ]
    );
}
