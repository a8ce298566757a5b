use std::io::Read;
use std::time::{Duration, SystemTime};

use super::super::book::{Cover, ImageKind};
use super::super::{fixture, fmt, Program};
use super::*;

const MP3: &[u8] = b"ID3 not really an mp3, but stored as it is";

fn meta() -> Metadata {
    Metadata {
        title: "Essays, \"Collected\" & <More> ]]>".to_owned(),
        author: "O'Brien & Sons".to_owned(),
        language: "en-US".to_owned(),
        modified: Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1_714_555_800)),
        ..Metadata::default()
    }
}

fn nasty() -> Program {
    let mut program = fixture::program();
    program.tracks[0].cues[1].text = "</script> ]]> <!-- & \"q\" 'r' \u{1}".to_owned();
    program.chapters[1].title = "<img src=x>".to_owned();
    program
}

/// XML with its `<!DOCTYPE html>` allowed.
fn parse(xml: &str) -> Result<roxmltree::Document<'_>, roxmltree::Error> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    roxmltree::Document::parse_with_options(xml, options)
}

fn entries(epub: &[u8]) -> Vec<(String, CompressionMethod, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(Cursor::new(epub)).expect("a zip");
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).expect("an entry");
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes).expect("readable");
            let name = file.name().expect("a UTF-8 name").into_owned();
            (name, file.compression(), bytes)
        })
        .collect()
}

fn text<'a>(entries: &'a [(String, CompressionMethod, Vec<u8>)], name: &str) -> &'a str {
    let entry = entries.iter().find(|e| e.0 == name).expect(name);
    std::str::from_utf8(&entry.2).expect("UTF-8")
}

/// Clock value `h:mm:ss.mmm` back to ms.
fn clock_ms(value: &str) -> u64 {
    let (hms, frac) = value.split_once('.').expect("a fraction");
    let secs = hms
        .split(':')
        .map(|p| p.parse::<u64>().expect("a number"))
        .fold(0, |acc, p| acc * 60 + p);
    secs * 1000 + frac.parse::<u64>().expect("ms")
}

#[test]
fn mimetype_is_first_stored_and_without_extra_field() {
    let epub = render(&Book::new(&fixture::program()), &meta(), MP3).expect("an epub");
    // Local file header: method at 8, name length at 26, extra length at 28, name at 30.
    assert_eq!(&epub[..4], b"PK\x03\x04");
    assert_eq!(u16::from_le_bytes([epub[8], epub[9]]), 0, "stored");
    assert_eq!(u16::from_le_bytes([epub[26], epub[27]]), 8);
    assert_eq!(
        u16::from_le_bytes([epub[28], epub[29]]),
        0,
        "no extra field"
    );
    assert_eq!(&epub[30..38], b"mimetype");
    assert_eq!(&epub[38..58], b"application/epub+zip");
}

#[test]
fn the_mp3_is_inside_stored_and_the_text_deflated() {
    let entries = entries(&render(&Book::new(&fixture::program()), &meta(), MP3).expect("epub"));
    let names: Vec<&str> = entries.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(
        names,
        [
            "mimetype",
            "META-INF/container.xml",
            "EPUB/package.opf",
            "EPUB/nav.xhtml",
            "EPUB/style.css",
            "EPUB/title.xhtml",
            "EPUB/c001.xhtml",
            "EPUB/c001.smil",
            "EPUB/c002.xhtml",
            "EPUB/c002.smil",
            "EPUB/c003.xhtml",
            "EPUB/c003.smil",
            "EPUB/episode.mp3",
        ]
    );
    let mp3 = entries
        .iter()
        .find(|e| e.0 == "EPUB/episode.mp3")
        .expect("mp3");
    assert_eq!((mp3.1, mp3.2.as_slice()), (CompressionMethod::Stored, MP3));
    assert_eq!(entries[2].1, CompressionMethod::Deflated);
}

#[test]
fn every_xml_file_parses_and_user_text_stays_text() {
    let program = nasty();
    let book = Book::new(&program);
    let entries = entries(&render(&book, &meta(), MP3).expect("epub"));
    for (name, _, bytes) in &entries {
        if name.ends_with(".xhtml")
            || name.ends_with(".smil")
            || name.ends_with(".opf")
            || name.ends_with(".xml")
        {
            let xml = std::str::from_utf8(bytes).expect("UTF-8");
            parse(xml).unwrap_or_else(|e| panic!("{name}: {e}\n{xml}"));
        }
    }
    let chapter = parse(text(&entries, "EPUB/c001.xhtml")).expect("xml");
    let span = chapter
        .descendants()
        .find(|n| n.attribute("id") == Some("s2"))
        .expect("sentence 2");
    assert_eq!(span.text(), Some("</script> ]]> <!-- & \"q\" 'r'"));
    assert!(chapter
        .descendants()
        .all(|n| n.tag_name().name() != "script"));
    let nav = parse(text(&entries, "EPUB/nav.xhtml")).expect("xml");
    let titles: Vec<&str> = nav
        .descendants()
        .filter(|n| n.tag_name().name() == "a")
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(titles.len(), 3);
    assert_eq!(titles[1], "<img src=x>");
    let opf = parse(text(&entries, "EPUB/package.opf")).expect("xml");
    let title = opf
        .descendants()
        .find(|n| n.tag_name().name() == "title")
        .expect("dc:title");
    assert_eq!(title.text(), Some("Essays, \"Collected\" & <More> ]]>"));
}

#[test]
fn smil_clips_are_the_transcript_times_and_durations_add_up() {
    let program = fixture::program();
    let book = Book::new(&program);
    let entries = entries(&render(&book, &meta(), MP3).expect("epub"));
    let mut clips = Vec::new();
    let mut per_overlay = Vec::new();
    for section in &book.sections {
        let smil = text(&entries, &format!("EPUB/c{:03}.smil", section.number));
        let doc = parse(smil).expect("xml");
        let mut sum = 0;
        for par in doc.descendants().filter(|n| n.tag_name().name() == "par") {
            let text = par
                .children()
                .find(|n| n.tag_name().name() == "text")
                .expect("text");
            let audio = par
                .children()
                .find(|n| n.tag_name().name() == "audio")
                .expect("audio");
            assert_eq!(audio.attribute("src"), Some("episode.mp3"));
            let (b, e) = (
                clock_ms(audio.attribute("clipBegin").expect("clipBegin")),
                clock_ms(audio.attribute("clipEnd").expect("clipEnd")),
            );
            sum += e - b;
            clips.push((text.attribute("src").expect("src").to_owned(), b, e));
        }
        per_overlay.push(sum);
    }
    let cues: Vec<_> = program.cues().collect();
    assert_eq!(clips.len(), cues.len());
    for (i, ((src, b, e), cue)) in clips.iter().zip(cues).enumerate() {
        assert!(src.ends_with(&format!("#s{}", i + 1)), "{src}");
        assert_eq!((*b, *e), (fmt::millis(cue.start), fmt::millis(cue.end)));
    }
    let opf = parse(text(&entries, "EPUB/package.opf")).expect("xml");
    let durations: Vec<(Option<&str>, u64)> = opf
        .descendants()
        .filter(|n| n.attribute("property") == Some("media:duration"))
        .map(|n| (n.attribute("refines"), clock_ms(n.text().expect("a value"))))
        .collect();
    let expected: Vec<(Option<String>, u64)> = (1..=3)
        .map(|n| (Some(format!("#ov{n}")), per_overlay[n - 1]))
        .chain([(None, per_overlay.iter().sum())])
        .collect();
    let durations: Vec<(Option<String>, u64)> = durations
        .into_iter()
        .map(|(r, d)| (r.map(str::to_owned), d))
        .collect();
    assert_eq!(durations, expected);
    let property = |p: &str| {
        opf.descendants()
            .find(|n| n.attribute("property") == Some(p))
            .and_then(|n| n.text())
            .map(str::to_owned)
    };
    assert_eq!(
        property("media:active-class").as_deref(),
        Some(ACTIVE_CLASS)
    );
    assert_eq!(
        property("dcterms:modified").as_deref(),
        Some("2024-05-01T09:30:00Z")
    );
}

#[test]
fn equal_inputs_give_equal_bytes_and_the_identifier_survives_edits() {
    let book = Book::new(&fixture::program());
    let a = render(&book, &meta(), MP3).expect("epub");
    assert_eq!(a, render(&book, &meta(), MP3).expect("epub"));
    let edited = Book::new(&nasty());
    let b = entries(&render(&edited, &meta(), MP3).expect("epub"));
    let a = entries(&a);
    let id = |e: &[(String, CompressionMethod, Vec<u8>)]| {
        let opf = text(e, "EPUB/package.opf").to_owned();
        let start = opf.find("urn:uuid:").expect("an id");
        opf[start..start + 45].to_owned()
    };
    assert_eq!(id(&a), id(&b));
    assert_eq!(id(&a), meta().identifier());
}

#[test]
fn a_cover_is_stored_and_marked_as_the_cover_image() {
    let mut meta = meta();
    meta.cover = Some(Cover {
        bytes: b"\x89PNG not really".to_vec(),
        kind: ImageKind::Png,
    });
    let entries = entries(&render(&Book::new(&fixture::program()), &meta, MP3).expect("epub"));
    let cover = entries
        .iter()
        .find(|e| e.0 == "EPUB/cover.png")
        .expect("cover");
    assert_eq!(cover.1, CompressionMethod::Stored);
    let opf = text(&entries, "EPUB/package.opf");
    assert!(opf.contains(
        "<item id=\"cover\" href=\"cover.png\" media-type=\"image/png\" properties=\"cover-image\"/>"
    ));
    assert!(text(&entries, "EPUB/title.xhtml").contains("src=\"cover.png\" alt=\"Cover\""));
}

#[test]
fn dc_date_is_the_date_as_given_a_year_alone_included() {
    let date_of = |given: &str| {
        let mut meta = meta();
        meta.date = Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1_704_067_200));
        meta.date_given = Some(given.to_owned());
        let entries = entries(&render(&Book::new(&fixture::program()), &meta, MP3).expect("epub"));
        let opf = parse(text(&entries, "EPUB/package.opf"))
            .expect("xml")
            .descendants()
            .find(|n| n.tag_name().name() == "date")
            .and_then(|n| n.text())
            .map(str::to_owned);
        opf
    };
    assert_eq!(date_of("2024").as_deref(), Some("2024"));
    assert_eq!(date_of("2024-01-01").as_deref(), Some("2024-01-01"));
}
