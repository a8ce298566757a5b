use std::time::{Duration, SystemTime};

use super::super::book::{Cover, ImageKind};
use super::super::{fixture, Program};
use super::*;

const ITUNES: &str = "http://www.itunes.com/dtds/podcast-1.0.dtd";
const PODCAST: &str = "https://podcastindex.org/namespace/1.0";

fn meta() -> Metadata {
    Metadata {
        title: "Essays, \"Collected\" & <More> ]]> </script>".to_owned(),
        author: "O'Brien & Sons".to_owned(),
        language: "en-US".to_owned(),
        modified: Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1_714_555_800)),
        ..Metadata::default()
    }
}

const EPISODE: Enclosure = Enclosure {
    file: "episode.mp3",
    length: 2_345_678,
};

fn nasty() -> Program {
    let mut program = fixture::program();
    program.tracks[0].cues[0].text = "It is ]]> & <b>bold</b> \"q\" 'r' \u{1}.".to_owned();
    program
}

/// The one `name` element in the `ns` namespace under `parent`.
fn child<'a, 'i>(
    parent: roxmltree::Node<'a, 'i>,
    ns: Option<&str>,
    name: &str,
) -> roxmltree::Node<'a, 'i> {
    let found: Vec<_> = parent
        .children()
        .filter(|n| n.tag_name().name() == name && n.tag_name().namespace() == ns)
        .collect();
    assert_eq!(found.len(), 1, "{name}");
    found[0]
}

#[test]
fn one_item_with_enclosure_duration_chapters_and_transcripts() {
    let program = fixture::program();
    let book = Book::new(&program);
    let xml = render(&book, &meta(), EPISODE, Some("read-along.html"));
    let doc = roxmltree::Document::parse(&xml).expect("valid XML");
    let rss = doc.root_element();
    assert_eq!(rss.tag_name().name(), "rss");
    assert_eq!(rss.attribute("version"), Some("2.0"));
    let channel = child(rss, None, "channel");
    for name in ["title", "link", "description", "language"] {
        assert!(child(channel, None, name).text().is_some(), "{name}");
    }
    let item = child(channel, None, "item");
    assert_eq!(
        child(item, None, "title").text(),
        Some(meta().title.as_str())
    );
    assert_eq!(child(item, None, "link").text(), Some("read-along.html"));
    let enclosure = child(item, None, "enclosure");
    assert_eq!(enclosure.attribute("url"), Some("episode.mp3"));
    assert_eq!(enclosure.attribute("length"), Some("2345678"));
    assert_eq!(enclosure.attribute("type"), Some("audio/mpeg"));
    let seconds: u64 = child(item, Some(ITUNES), "duration")
        .text()
        .and_then(|t| t.parse().ok())
        .expect("whole seconds");
    assert_eq!(seconds, (fmt::end(&program.chapters) + 500) / 1000);
    let chapters = child(item, Some(PODCAST), "chapters");
    assert_eq!(chapters.attribute("url"), Some("chapters.json"));
    assert_eq!(
        chapters.attribute("type"),
        Some("application/json+chapters")
    );
    let transcripts: Vec<(Option<&str>, Option<&str>)> = item
        .children()
        .filter(|n| {
            n.tag_name().name() == "transcript" && n.tag_name().namespace() == Some(PODCAST)
        })
        .map(|n| (n.attribute("url"), n.attribute("type")))
        .collect();
    assert_eq!(
        transcripts,
        [
            (Some("transcript.vtt"), Some("text/vtt")),
            (Some("transcript.json"), Some("application/json")),
            (Some("transcript.srt"), Some("application/x-subrip")),
        ]
    );
    let guid = child(item, None, "guid");
    assert_eq!(guid.attribute("isPermaLink"), Some("false"));
    assert_eq!(guid.text(), Some(meta().identifier().as_str()));
    assert_eq!(
        child(item, None, "pubDate").text(),
        Some("Wed, 01 May 2024 09:30:00 +0000")
    );
    assert_eq!(
        child(item, Some(ITUNES), "author").text(),
        Some("O'Brien & Sons")
    );
}

#[test]
fn urls_come_from_the_base_url() {
    let mut meta = meta();
    meta.base_url = Some("https://example.com/ep1/".to_owned());
    let xml = render(&Book::new(&fixture::program()), &meta, EPISODE, None);
    let doc = roxmltree::Document::parse(&xml).expect("valid XML");
    let channel = child(doc.root_element(), None, "channel");
    let item = child(channel, None, "item");
    assert_eq!(
        child(item, None, "enclosure").attribute("url"),
        Some("https://example.com/ep1/episode.mp3")
    );
    assert_eq!(
        child(item, None, "link").text(),
        Some("https://example.com/ep1/episode.mp3")
    );
    assert_eq!(
        child(item, Some(PODCAST), "chapters").attribute("url"),
        Some("https://example.com/ep1/chapters.json")
    );
    let own = child(channel, Some("http://www.w3.org/2005/Atom"), "link");
    assert_eq!(
        own.attribute("href"),
        Some("https://example.com/ep1/episode.rss.xml")
    );
    assert_eq!(own.attribute("rel"), Some("self"));
}

#[test]
fn any_title_or_text_stays_valid_xml() {
    let xml = render(&Book::new(&nasty()), &meta(), EPISODE, None);
    let doc = roxmltree::Document::parse(&xml).expect("valid XML");
    let item = child(child(doc.root_element(), None, "channel"), None, "item");
    let description = child(item, None, "description")
        .text()
        .expect("a description");
    assert!(
        description.starts_with("It is ]]> & <b>bold</b> \"q\" 'r' . Nothing else"),
        "{description}"
    );
    assert!(!xml.contains("<b>"));
}

#[test]
fn without_a_date_there_is_no_pub_date() {
    let mut meta = meta();
    meta.modified = None;
    let xml = render(&Book::new(&fixture::program()), &meta, EPISODE, None);
    assert!(!xml.contains("pubDate"));
    roxmltree::Document::parse(&xml).expect("valid XML");
}

#[test]
fn a_cover_is_the_channel_and_item_image_beside_the_feed() {
    let mut meta = meta();
    meta.cover = Some(Cover {
        bytes: b"\xff\xd8\xff not really".to_vec(),
        kind: ImageKind::Jpeg,
    });
    let book = Book::new(&fixture::program());
    let xml = render(&book, &meta, EPISODE, None);
    let doc = roxmltree::Document::parse(&xml).expect("valid XML");
    let channel = child(doc.root_element(), None, "channel");
    let item = child(channel, None, "item");
    assert_eq!(
        child(channel, Some(ITUNES), "image").attribute("href"),
        Some("cover.jpg")
    );
    assert_eq!(
        child(item, Some(ITUNES), "image").attribute("href"),
        Some("cover.jpg")
    );
    let image = child(channel, None, "image");
    assert_eq!(child(image, None, "url").text(), Some("cover.jpg"));
    assert_eq!(
        child(image, None, "title").text(),
        Some(meta.title.as_str())
    );
    assert_eq!(child(image, None, "link").text(), Some("episode.mp3"));

    meta.base_url = Some("https://example.com/ep1".to_owned());
    let xml = render(&book, &meta, EPISODE, None);
    let doc = roxmltree::Document::parse(&xml).expect("valid XML");
    let channel = child(doc.root_element(), None, "channel");
    assert_eq!(
        child(channel, Some(ITUNES), "image").attribute("href"),
        Some("https://example.com/ep1/cover.jpg")
    );

    meta.cover = None;
    let xml = render(&book, &meta, EPISODE, None);
    assert!(!xml.contains("image"), "{xml}");
}
