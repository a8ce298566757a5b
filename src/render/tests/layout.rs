//! Where the speech goes in a paragraph file: the head, each sentence with a pause between,
//! the pieces of a long sentence with a breath between, the tail.

use super::{load_manifest, run, Fake};
use crate::audio::frames;

#[test]
fn sentences_are_a_pause_apart_and_the_pieces_of_a_long_one_a_breath_apart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let clause = "and then the words go on for a while without an end";
    let long: String = (0..12).map(|_| clause).collect::<Vec<_>>().join(", ");
    let script = format!("One two three. Four five. Then {long}.\n");
    let summary = run(dir.path(), &script, &mut Fake::default());
    let manifest = load_manifest(dir.path());
    let rate = manifest.sample_rate;
    let layout = super::settings(dir.path()).layout;
    let p = &manifest.paragraphs[0];
    let s = &p.sentences;
    assert_eq!(s.len(), 3);
    // The fake engine speaks 40 samples a character.
    let speech = |text: &str| 40 * text.chars().count() as u64;
    assert_eq!(s[0].start, frames(layout.head, rate));
    assert_eq!(s[0].end - s[0].start, speech("One two three."));
    let pause = frames(layout.sentence_pause, rate);
    assert_eq!(s[1].start - s[0].end, pause);
    assert_eq!(s[2].start - s[1].end, pause);
    // The long sentence is spoken in pieces cut at spaces, a third of a pause apart.
    let pieces = s[2].keys.len() as u64;
    assert!(pieces > 1, "{pieces}");
    let breaths = (pieces - 1) * frames(layout.sentence_pause / 3, rate);
    let words = speech(&s[2].speech) - 40 * (pieces - 1);
    assert_eq!(s[2].end - s[2].start, words + breaths);
    assert_eq!(summary.written_files, [(p.file.clone(), 3)]);
}
