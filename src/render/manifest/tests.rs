//! Loading the manifest, the program it describes, and the files it keeps owning.

use std::time::Duration;

use super::*;

fn paragraph(index: usize, frames: u64, sentences: &[(u64, u64)]) -> ParagraphEntry {
    ParagraphEntry {
        index,
        file: format!("{index:02}-p.wav"),
        title: format!("Paragraph {index}"),
        chapter: Some(format!("Paragraph {index}")),
        hash: String::new(),
        stamp: FileStamp::default(),
        frames,
        loudness: None,
        sentences: sentences
            .iter()
            .map(|&(start, end)| SentenceEntry {
                text: format!("Sentence at {start}."),
                speech: String::new(),
                keys: Vec::new(),
                start,
                end,
            })
            .collect(),
    }
}

fn manifest(paragraphs: Vec<ParagraphEntry>) -> Manifest {
    Manifest {
        format: FORMAT,
        generator: "test".into(),
        title: "T".into(),
        sample_rate: 1000,
        paragraphs,
        stale: Vec::new(),
        episode: None,
        listings: BTreeMap::new(),
    }
}

fn ms(ms: u64) -> Duration {
    Duration::from_millis(ms)
}

#[test]
fn the_program_places_each_paragraph_and_sentence_after_the_ones_before() {
    let m = manifest(vec![
        paragraph(1, 1000, &[(100, 400), (500, 900)]),
        paragraph(2, 2000, &[(300, 1500)]),
        paragraph(3, 500, &[(50, 450)]),
    ]);
    let program = m.program(&Credits::default());
    type Times = (Duration, Duration, Vec<(Duration, Duration)>);
    let times: Vec<Times> = program
        .tracks
        .iter()
        .map(|t| {
            let cues = t.cues.iter().map(|c| (c.start, c.end)).collect();
            (t.start, t.duration, cues)
        })
        .collect();
    assert_eq!(
        times,
        vec![
            (
                ms(0),
                ms(1000),
                vec![(ms(100), ms(400)), (ms(500), ms(900))]
            ),
            (ms(1000), ms(2000), vec![(ms(1300), ms(2500))]),
            (ms(3000), ms(500), vec![(ms(3050), ms(3450))]),
        ]
    );
}

#[test]
fn a_manifest_that_cannot_be_read_is_damaged_not_missing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("manifest.json");
    assert_eq!(load(&path, &[], &[]), Loaded::Missing);
    std::fs::create_dir(&path).expect("a folder in its place");
    match load(&path, &[], &[]) {
        Loaded::Damaged { reason } => assert!(reason.starts_with("cannot read"), "{reason}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_earlier_formats_manifest_only_says_which_files_are_narrates() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("manifest.json");
    let older = |episode: &str| {
        format!(
            r#"{{"format": 1, "paragraphs": [{{"file": "01-a.wav", "title": "A"}}],
                "stale": ["02-b.wav"]{episode}}}"#
        )
    };
    let files = |text: String| {
        std::fs::write(&path, text).expect("write");
        match load(&path, &["chapters.txt"], &["episode.mp3"]) {
            Loaded::Older { files } => {
                let mut files: Vec<String> = files.into_iter().collect();
                files.sort();
                files
            }
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(files(older("")), ["01-a.wav", "02-b.wav", "chapters.txt"]);
    assert_eq!(
        files(older(r#", "episode": {"hash": "h"}"#)),
        ["01-a.wav", "02-b.wav", "chapters.txt", "episode.mp3"]
    );
    // A later format is not believed, and says nothing of the files.
    let later = r#"{"format": 3, "paragraphs": [{"file": "01-a.wav"}]}"#;
    std::fs::write(&path, later).expect("write");
    assert!(matches!(load(&path, &[], &[]), Loaded::Damaged { .. }));
}

#[test]
fn an_envelope_around_a_manifest_of_another_format_is_damaged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("manifest.json");
    let mut m = manifest(vec![paragraph(1, 1000, &[(0, 1)])]);
    std::fs::write(&path, m.to_file_bytes().expect("bytes")).expect("write");
    assert_eq!(load(&path, &[], &[]), Loaded::Good(Box::new(m.clone())));
    m.format = FORMAT + 1;
    std::fs::write(&path, m.to_file_bytes().expect("bytes")).expect("write");
    let expected = format!("inner format {} is not {FORMAT}", FORMAT + 1);
    assert_eq!(load(&path, &[], &[]), Loaded::Damaged { reason: expected });
}

#[test]
fn files_left_in_place_stay_narrates_as_stale() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path();
    for name in ["01-p.wav", "episode.mp3", "episode.wav", "gone.wav"] {
        std::fs::write(out.join(name), "x").expect("write");
    }
    let mut m = manifest(vec![paragraph(1, 1000, &[(0, 1)])]);
    m.stale = vec!["zz.wav".into()];
    let owned: HashSet<String> = [
        "01-p.wav",
        "episode.mp3",
        "episode.wav",
        "gone.wav",
        "lost.wav",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    // Recorded (01-p.wav), removed (gone.wav) and absent (lost.wav) files are not added.
    m.keep_owning(&owned, &["gone.wav".to_owned()], out);
    assert_eq!(m.stale, ["episode.mp3", "episode.wav", "zz.wav"]);
    m.keep_owning(&owned, &["gone.wav".to_owned()], out);
    assert_eq!(
        m.stale,
        ["episode.mp3", "episode.wav", "zz.wav"],
        "once each"
    );
}
