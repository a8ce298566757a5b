//! Pieces go to the engine in batches, across paragraphs, never a whole long one at once.

use std::path::Path;

use super::{run_with, settings, Fake};
use crate::text::normalize::Lexicon;

#[test]
fn pieces_go_to_the_engine_in_batches_of_at_most_what_it_asks_for() {
    // Batching is the speaking side's: the files are written without loudness or episode.
    let run = |out: &Path, script: &str, engine: &mut Fake| {
        let mut settings = settings(out);
        settings.master.loudness = crate::audio::loudness::Preset::Off;
        settings.master.episode = false;
        run_with(&settings, script, engine, &Lexicon::default()).expect("render")
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let script: String = (0..20)
        .map(|i| format!("Paragraph {i} begins. Paragraph {i} ends.\n"))
        .collect();
    let mut engine = Fake {
        batch: 16,
        ..Fake::default()
    };
    let s = run(dir.path(), &script, &mut engine);
    // What the engine asks for, across paragraphs, so an engine with several workers has
    // enough to share; the rest in the last batch.
    assert_eq!(engine.batches, vec![16, 16, 8]);
    assert_eq!(s.synthesized, 40);
    assert_eq!(s.cached, 0, "pieces spoken ahead are not cache hits");
    assert_eq!(engine.spoken[0], "Paragraph 0 begins.");
    assert_eq!(engine.spoken[39], "Paragraph 19 ends.");
    // Only what is missing is batched.
    let edited = script.replace("Paragraph 7 ends.", "Paragraph 7 ends here.");
    let mut engine = Fake {
        batch: 16,
        ..Fake::default()
    };
    run(dir.path(), &edited, &mut engine);
    assert_eq!(engine.batches, vec![1]);
    // An engine that speaks one at a time gets one piece at a time.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut engine = Fake::default();
    run(dir.path(), &script, &mut engine);
    assert_eq!(engine.batches, vec![1; 40]);
    // Never a whole long paragraph at once: memory holds one batch of speech.
    let dir = tempfile::tempdir().expect("tempdir");
    let long: String = (0..50).map(|i| format!("Sentence {i} is here. ")).collect();
    let mut engine = Fake {
        batch: 16,
        ..Fake::default()
    };
    let s = run(dir.path(), &format!("{long}\n"), &mut engine);
    assert_eq!(engine.batches, vec![16, 16, 16, 2]);
    assert_eq!(s.synthesized, 50);
}
