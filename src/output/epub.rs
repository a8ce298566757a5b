//! `narration.epub`: an EPUB 3 of the script whose chapters read themselves aloud (media
//! overlays), with the episode inside, for Apple Books, Thorium, Readest and the like.
//!
//! One XHTML file per section, each sentence a `<span id="sN">` (the ids of the page and
//! the VTT cue numbers), and one SMIL per section with a `par` per sentence whose
//! `clipBegin`/`clipEnd` are the transcript's times in `episode.mp3`. Package metadata:
//! title, author, language, a `dc:identifier` made from the work ([`Metadata::identifier`]:
//! stable through edits), `dcterms:modified` from the script's time (never "now", so equal
//! inputs give equal bytes), `media:duration` per overlay (the sum of its clips) and in
//! total, and `media:active-class`. The zip starts with `mimetype`, stored; the MP3 and a
//! cover are stored too (already compressed), the text is deflated; every entry is dated
//! 1980-01-01, the zip format's epoch. Without an episode there is no EPUB.

use std::io::{Cursor, Read, Seek, Write};
use std::time::SystemTime;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use super::book::{Book, Metadata, Section, Sentence};
use super::fmt;
use super::markup::escape;

/// File name in the output folder.
pub const FILE: &str = "narration.epub";
/// The audio's name inside the EPUB (beside the XHTML files).
const AUDIO: &str = "episode.mp3";
/// The class reading systems put on the sentence being read.
const ACTIVE_CLASS: &str = "-epub-media-overlay-active";

const CONTAINER: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
"#;

const STYLE: &str = "body { font-family: serif; line-height: 1.5; }
h1, h2 { line-height: 1.25; }
.by { font-style: italic; }
.cover { max-width: 100%; }
.-epub-media-overlay-active {
  background-color: #ffe28a;
  color: #000;
  text-decoration: underline;
}
";

/// The EPUB of `book` with `mp3` (the episode) inside, in memory.
pub fn render(book: &Book, meta: &Metadata, mp3: &[u8]) -> zip::result::ZipResult<Vec<u8>> {
    let out = Cursor::new(Vec::with_capacity(mp3.len() + 65_536));
    let len = mp3.len() as u64;
    let mut mp3 = mp3;
    Ok(write(out, book, meta, &mut mp3, len)?.into_inner())
}

/// Writes the EPUB of `book` to `out`, with the episode, `mp3_len` bytes read from `mp3`,
/// copied inside as it is read (an episode of many hours is never held in memory).
pub fn write<W: Write + Seek>(
    out: W,
    book: &Book,
    meta: &Metadata,
    mp3: &mut dyn Read,
    mp3_len: u64,
) -> zip::result::ZipResult<W> {
    let stored = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(DateTime::default());
    let deflated = stored.compression_method(CompressionMethod::Deflated);
    let mut zip = ZipWriter::new(out);
    let mut add = |name: &str, bytes: &[u8], options: SimpleFileOptions| {
        zip.start_file(name, options)?;
        zip.write_all(bytes)?;
        zip::result::ZipResult::Ok(())
    };
    add("mimetype", b"application/epub+zip", stored)?;
    add("META-INF/container.xml", CONTAINER.as_bytes(), deflated)?;
    add("EPUB/package.opf", package(book, meta).as_bytes(), deflated)?;
    add("EPUB/nav.xhtml", nav(book, meta).as_bytes(), deflated)?;
    add("EPUB/style.css", STYLE.as_bytes(), deflated)?;
    add("EPUB/title.xhtml", title_page(meta).as_bytes(), deflated)?;
    for section in &book.sections {
        let n = section.number;
        add(
            &format!("EPUB/{}", xhtml_name(n)),
            chapter(section, meta).as_bytes(),
            deflated,
        )?;
        if has_overlay(section) {
            add(
                &format!("EPUB/{}", smil_name(n)),
                overlay(section).as_bytes(),
                deflated,
            )?;
        }
    }
    // ZIP64 only where the audio needs it: a smaller EPUB stays readable everywhere.
    zip.start_file(
        format!("EPUB/{AUDIO}"),
        stored.large_file(mp3_len >= u64::from(u32::MAX)),
    )?;
    std::io::copy(mp3, &mut zip)?;
    let mut add = |name: &str, bytes: &[u8], options: SimpleFileOptions| {
        zip.start_file(name, options)?;
        zip.write_all(bytes)?;
        zip::result::ZipResult::Ok(())
    };
    if let Some(cover) = &meta.cover {
        add(
            &format!("EPUB/{}", cover.kind.cover_file()),
            &cover.bytes,
            stored,
        )?;
    }
    zip.finish()
}

fn xhtml_name(n: usize) -> String {
    format!("c{n:03}.xhtml")
}

fn smil_name(n: usize) -> String {
    format!("c{n:03}.smil")
}

/// Every sentence of a section, heading first.
fn sentences(section: &Section) -> impl Iterator<Item = &Sentence> {
    section
        .heading
        .iter()
        .chain(section.paragraphs.iter().flat_map(|p| p.sentences.iter()))
}

/// Whether a section has a sentence to read aloud (an overlay cannot be empty).
fn has_overlay(section: &Section) -> bool {
    sentences(section).next().is_some()
}

/// Length of a section's overlay: the sum of its clips, ms.
fn overlay_ms(section: &Section) -> u64 {
    sentences(section)
        .map(|s| s.end.saturating_sub(s.start))
        .sum()
}

fn language(meta: &Metadata) -> String {
    escape(if meta.language.is_empty() {
        "und"
    } else {
        &meta.language
    })
}

fn package(book: &Book, meta: &Metadata) -> String {
    let (items, spine) = manifest_and_spine(book, meta);
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>
<package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\" unique-identifier=\"uid\" xml:lang=\"{}\">
  <metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">
    {}
  </metadata>
  <manifest>
    {}
  </manifest>
  <spine>
    {}
  </spine>
</package>
",
        language(meta),
        package_metadata(book, meta).join("\n    "),
        items.join("\n    "),
        spine.join("\n    ")
    )
}

/// The package's `<metadata>` entries.
fn package_metadata(book: &Book, meta: &Metadata) -> Vec<String> {
    let lang = language(meta);
    let mut m = vec![
        format!(
            "<dc:identifier id=\"uid\">{}</dc:identifier>",
            meta.identifier()
        ),
        format!(
            "<dc:title>{}</dc:title>",
            escape(&fmt::one_line_or(&meta.title, "Narration"))
        ),
        format!("<dc:language>{lang}</dc:language>"),
    ];
    if !meta.author.trim().is_empty() {
        m.push(format!("<dc:creator>{}</dc:creator>", escape(&meta.author)));
    }
    if let Some(d) = meta.description.as_deref().filter(|d| !d.trim().is_empty()) {
        m.push(format!("<dc:description>{}</dc:description>", escape(d)));
    }
    // As given: EPUB 3 takes any W3C date, a year alone included.
    if let Some(date) = meta.date_given.as_deref() {
        m.push(format!("<dc:date>{}</dc:date>", escape(date)));
    }
    let modified = meta
        .modified
        .or(meta.date)
        .unwrap_or(SystemTime::UNIX_EPOCH);
    m.push(format!(
        "<meta property=\"dcterms:modified\">{}</meta>",
        fmt::rfc3339(modified)
    ));
    if meta.cover.is_some() {
        m.push("<meta name=\"cover\" content=\"cover\"/>".to_owned());
    }
    for section in book.sections.iter().filter(|s| has_overlay(s)) {
        m.push(format!(
            "<meta property=\"media:duration\" refines=\"#ov{}\">{}</meta>",
            section.number,
            fmt::hms(overlay_ms(section))
        ));
    }
    let total: u64 = book.sections.iter().map(overlay_ms).sum();
    m.push(format!(
        "<meta property=\"media:duration\">{}</meta>",
        fmt::hms(total)
    ));
    m.push(format!(
        "<meta property=\"media:active-class\">{ACTIVE_CLASS}</meta>"
    ));
    m
}

/// The package's `<manifest>` items and `<spine>` itemrefs.
fn manifest_and_spine(book: &Book, meta: &Metadata) -> (Vec<String>, Vec<String>) {
    let mut items = vec![
        r#"<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>"#
            .to_owned(),
        r#"<item id="css" href="style.css" media-type="text/css"/>"#.to_owned(),
        r#"<item id="title" href="title.xhtml" media-type="application/xhtml+xml"/>"#.to_owned(),
    ];
    let mut spine = vec![r#"<itemref idref="title"/>"#.to_owned()];
    for section in &book.sections {
        let n = section.number;
        if has_overlay(section) {
            items.push(format!(
                "<item id=\"c{n}\" href=\"{}\" media-type=\"application/xhtml+xml\" media-overlay=\"ov{n}\"/>",
                xhtml_name(n)
            ));
            items.push(format!(
                "<item id=\"ov{n}\" href=\"{}\" media-type=\"application/smil+xml\"/>",
                smil_name(n)
            ));
        } else {
            items.push(format!(
                "<item id=\"c{n}\" href=\"{}\" media-type=\"application/xhtml+xml\"/>",
                xhtml_name(n)
            ));
        }
        spine.push(format!("<itemref idref=\"c{n}\"/>"));
    }
    items.push(format!(
        "<item id=\"audio\" href=\"{AUDIO}\" media-type=\"audio/mpeg\"/>"
    ));
    if let Some(cover) = &meta.cover {
        items.push(format!(
            "<item id=\"cover\" href=\"{}\" media-type=\"{}\" properties=\"cover-image\"/>",
            cover.kind.cover_file(),
            cover.kind.mime()
        ));
    }
    (items, spine)
}

/// An XHTML document of `body` titled `title`.
fn xhtml(meta: &Metadata, title: &str, body: &str) -> String {
    let lang = language(meta);
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>
<!DOCTYPE html>
<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" xml:lang=\"{lang}\" lang=\"{lang}\">
<head>
<meta charset=\"UTF-8\"/>
<title>{}</title>
<link rel=\"stylesheet\" type=\"text/css\" href=\"style.css\"/>
</head>
<body>
{body}
</body>
</html>
",
        escape(title)
    )
}

fn title_page(meta: &Metadata) -> String {
    let title = fmt::one_line_or(&meta.title, "Narration");
    let mut body = vec![format!("<h1>{}</h1>", escape(&title))];
    if let Some(cover) = &meta.cover {
        body.insert(
            0,
            format!(
                "<p><img class=\"cover\" src=\"{}\" alt=\"Cover\"/></p>",
                cover.kind.cover_file()
            ),
        );
    }
    for (text, class) in [
        (Some(meta.author.as_str()), "by"),
        (meta.album.as_deref(), "show"),
        (meta.description.as_deref(), "description"),
    ] {
        if let Some(text) = text.filter(|t| !t.trim().is_empty()) {
            body.push(format!("<p class=\"{class}\">{}</p>", escape(text)));
        }
    }
    let body = format!(
        "<section epub:type=\"titlepage\">\n{}\n</section>",
        body.join("\n")
    );
    xhtml(meta, &title, &body)
}

fn nav(book: &Book, meta: &Metadata) -> String {
    let entries: Vec<String> = book
        .sections
        .iter()
        .map(|s| {
            format!(
                "<li><a href=\"{}\">{}</a></li>",
                xhtml_name(s.number),
                escape(&s.title)
            )
        })
        .collect();
    let body = format!(
        "<nav epub:type=\"toc\" id=\"toc\">\n<h1>Contents</h1>\n<ol>\n{}\n</ol>\n</nav>",
        entries.join("\n")
    );
    xhtml(meta, "Contents", &body)
}

fn span(s: &Sentence) -> String {
    format!("<span id=\"s{}\">{}</span>", s.id, escape(&s.text))
}

fn chapter(section: &Section, meta: &Metadata) -> String {
    let mut parts = Vec::new();
    let open = match &section.heading {
        Some(h) => {
            parts.push(format!("<h2>{}</h2>", span(h)));
            format!("<section id=\"c{}\" epub:type=\"chapter\">", section.number)
        }
        None => format!(
            "<section id=\"c{}\" epub:type=\"chapter\" aria-label=\"{}\">",
            section.number,
            escape(&section.title)
        ),
    };
    for p in section
        .paragraphs
        .iter()
        .filter(|p| !p.sentences.is_empty())
    {
        let spans: Vec<String> = p.sentences.iter().map(span).collect();
        parts.push(format!("<p>{}</p>", spans.join(" ")));
    }
    let body = format!("{open}\n{}\n</section>", parts.join("\n"));
    xhtml(meta, &section.title, &body)
}

fn overlay(section: &Section) -> String {
    let page = xhtml_name(section.number);
    let pars: Vec<String> = sentences(section)
        .map(|s| {
            format!(
                "<par id=\"p{id}\"><text src=\"{page}#s{id}\"/><audio src=\"{AUDIO}\" clipBegin=\"{}\" clipEnd=\"{}\"/></par>",
                fmt::hms(s.start),
                fmt::hms(s.end),
                id = s.id
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>
<smil xmlns=\"http://www.w3.org/ns/SMIL\" xmlns:epub=\"http://www.idpf.org/2007/ops\" version=\"3.0\">
<body>
<seq id=\"seq{0}\" epub:textref=\"{page}#c{0}\">
{1}
</seq>
</body>
</smil>
",
        section.number,
        pars.join("\n")
    )
}

#[cfg(test)]
mod tests;
