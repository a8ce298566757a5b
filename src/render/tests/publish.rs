//! Which read-along files a run writes.

use super::settings;
use crate::config::{Publish, Settings};
use crate::output::book::ImageKind;
use crate::output::{epub, readalong, rss};
use crate::render::publish::written;

fn with(read_along: bool, epub: bool) -> Settings {
    let mut settings = settings(std::path::Path::new("out"));
    settings.publish = Publish {
        read_along,
        epub,
        ..Publish::default()
    };
    settings
}

#[test]
fn the_epub_and_feed_need_an_episode_and_the_cover_a_page_or_a_feed() {
    let names = |read_along, epub, episode, cover| -> Vec<&str> {
        written(&with(read_along, epub), episode, cover).collect()
    };
    let png = Some(ImageKind::Png);
    assert_eq!(
        names(true, true, true, png),
        [readalong::FILE, epub::FILE, rss::FILE, "cover.png"]
    );
    assert_eq!(
        names(true, true, false, png),
        [readalong::FILE, "cover.png"],
        "no episode: no EPUB or feed"
    );
    assert_eq!(
        names(false, true, true, Some(ImageKind::Jpeg)),
        [epub::FILE, rss::FILE, "cover.jpg"],
        "the feed links to the cover"
    );
    assert_eq!(names(false, false, true, None), [rss::FILE]);
    assert_eq!(names(false, true, false, png), Vec::<&str>::new());
}

#[test]
fn the_feed_gives_the_episodes_size_with_or_without_the_epub() {
    for epub in [true, false] {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut settings = settings(dir.path());
        settings.publish.epub = epub;
        let lexicon = crate::text::normalize::Lexicon::default();
        super::run_with(
            &settings,
            super::SCRIPT,
            &mut super::Fake::default(),
            &lexicon,
        )
        .expect("render");
        let size = std::fs::metadata(dir.path().join(crate::render::episode::MP3))
            .expect("the episode")
            .len();
        let feed = std::fs::read_to_string(dir.path().join(rss::FILE)).expect("the feed");
        assert!(
            feed.contains(&format!("length=\"{size}\"")),
            "epub {epub}: {feed}"
        );
        assert_eq!(dir.path().join(epub::FILE).is_file(), epub);
    }
}
