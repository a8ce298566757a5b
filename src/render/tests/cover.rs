//! The cover's copy beside the page and the feed.

use super::*;

#[test]
fn the_cover_copy_follows_the_cover_setting() {
    use crate::config::Cover;
    use crate::output::book::ImageKind;
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path();
    let cover = |kind, bytes: &[u8]| Cover {
        path: "art".into(),
        kind,
        size: 1,
        bytes: std::sync::Arc::new(bytes.to_vec()),
    };
    let mut s = settings(out);
    s.credits.cover = Some(cover(ImageKind::Png, b"png bytes"));
    run_with(&s, SCRIPT, &mut Fake::default(), &Lexicon::default()).expect("render");
    assert_eq!(
        std::fs::read(out.join("cover.png")).expect("copied"),
        b"png bytes"
    );
    assert!(load_manifest(out)
        .files()
        .any(|(name, _)| name == "cover.png"));

    s.credits.cover = Some(cover(ImageKind::Jpeg, b"jpeg bytes"));
    run_with(&s, SCRIPT, &mut Fake::default(), &Lexicon::default()).expect("render");
    assert!(
        !out.join("cover.png").exists(),
        "the other format's copy is removed"
    );
    assert_eq!(
        std::fs::read(out.join("cover.jpg")).expect("copied"),
        b"jpeg bytes"
    );

    // Neither a page nor a feed links to it: no copy.
    s.publish.read_along = false;
    s.master.episode = false;
    run_with(&s, SCRIPT, &mut Fake::default(), &Lexicon::default()).expect("render");
    assert!(!out.join("cover.jpg").exists());
}
