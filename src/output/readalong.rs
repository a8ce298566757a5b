//! `read-along.html`: one page that plays the narration and shows the script as written,
//! the sentence being heard highlighted and kept in view.
//!
//! Self-contained (inline CSS and JavaScript from `readalong/`, no network), so it works
//! from `file://` and from any static host, beside the audio it plays. The page carries
//! its data in its markup: each sentence is a `<span class="s">` with its start and end in
//! program milliseconds, the very times of the transcripts; the script reads them back from
//! the DOM, so no user text is ever inside the `<script>`. Everything user-provided goes
//! through [`escape`]. The header shows the author, show, date (as given), description and
//! the cover (`cover.jpg` or `cover.png`, beside the page, as the audio is). With an episode
//! the page plays `episode.mp3`; without one (`--no-episode`) it plays the paragraph files
//! one after another, each placed in program time, and the highlight, seeking and chapters
//! work the same.

use super::book::{Book, Metadata, Section, Sentence};
use super::fmt;
use super::markup::{escape, fill};

const PAGE: &str = include_str!("readalong/page.html");
const STYLE: &str = include_str!("readalong/page.css");
const SCRIPT: &str = include_str!("readalong/page.js");

/// File name in the output folder.
pub const FILE: &str = "read-along.html";

/// What the page plays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audio<'a> {
    /// One file for the whole program (`episode.mp3`).
    Episode(&'a str),
    /// The paragraph files in order.
    Paragraphs,
}

/// The page for `book`.
pub fn render(book: &Book, meta: &Metadata, audio: Audio) -> String {
    let chapters: Vec<String> = book.sections.iter().map(chapter_entry).collect();
    // The spoken document title opens the text, so that it is highlighted as it is heard.
    let spoken_title =
        (book.title.iter()).map(|t| format!("<p class=\"lead\">{}</p>", sentence(t)));
    let text: Vec<String> = spoken_title
        .chain(book.sections.iter().map(section))
        .collect();
    let tracks: Vec<String> = match audio {
        Audio::Episode(file) => vec![track(file, 0, book.end)],
        Audio::Paragraphs => book
            .sections
            .iter()
            .flat_map(|s| &s.paragraphs)
            .map(|p| track(&p.file, p.start, p.end))
            .collect(),
    };
    let audio_link = match audio {
        Audio::Episode(file) => format!("<a href=\"{0}\">{0}</a>", escape(file)),
        Audio::Paragraphs => "<a href=\"playlist.m3u8\">playlist.m3u8</a>".to_owned(),
    };
    let mut byline: String = [Some(meta.author.as_str()), meta.album.as_deref()]
        .into_iter()
        .flatten()
        .filter(|s| !s.trim().is_empty())
        .map(|s| format!("<p>{}</p>", escape(s)))
        .collect();
    if let Some(date) = &meta.date_given {
        byline.push_str(&format!(
            "<p><time datetime=\"{0}\">{0}</time></p>",
            escape(date)
        ));
    }
    if let Some(description) = &meta.description {
        byline.push_str(&format!("<p>{}</p>", escape(description)));
    }
    // The cover beside the page (the run copies it there): a relative link, as the audio's.
    let cover = meta.cover.as_ref().map_or(String::new(), |c| {
        format!(
            "<img class=\"cover\" src=\"{}\" alt=\"Cover of {}\"/>\n",
            c.kind.cover_file(),
            escape(&fmt::one_line_or(&meta.title, "the narration"))
        )
    });
    let end = book.end.to_string();
    let language = if meta.language.is_empty() {
        "und"
    } else {
        &meta.language
    };
    let generator = format!("narrate {}", env!("CARGO_PKG_VERSION"));
    fill(
        PAGE,
        &[
            ("lang", &escape(language)),
            ("generator", &generator),
            ("title", &escape(&meta.title)),
            ("cover", &cover),
            ("style", STYLE.trim_end()),
            ("byline", &byline),
            ("chapters", &chapters.join("\n")),
            ("text", &text.join("\n")),
            ("tracks", &tracks.join("\n")),
            ("end", &end),
            ("duration", &clock(book.end)),
            ("audio_link", &audio_link),
            ("script", SCRIPT.trim_end()),
        ],
    )
}

fn chapter_entry(s: &Section) -> String {
    format!(
        "<li><a href=\"#c{}\" data-start=\"{}\"><span class=\"ct\">{}</span> <span class=\"cd\">{}</span></a></li>",
        s.number,
        s.start,
        escape(&s.title),
        clock(s.start)
    )
}

fn section(s: &Section) -> String {
    let heading = match &s.heading {
        Some(h) => format!("<h2 id=\"h{}\">{}</h2>", s.number, sentence(h)),
        None => format!(
            "<h2 id=\"h{}\" class=\"quiet\">{}</h2>",
            s.number,
            escape(&s.title)
        ),
    };
    let paragraphs: String = s
        .paragraphs
        .iter()
        .filter(|p| !p.sentences.is_empty())
        .map(|p| {
            let spans: Vec<String> = p.sentences.iter().map(sentence).collect();
            format!("\n<p>{}</p>", spans.join(" "))
        })
        .collect();
    format!(
        "<section id=\"c{0}\" aria-labelledby=\"h{0}\">\n{heading}{paragraphs}\n</section>",
        s.number
    )
}

fn sentence(s: &Sentence) -> String {
    format!(
        "<span class=\"s\" id=\"s{}\" data-start=\"{}\" data-end=\"{}\">{}</span>",
        s.id,
        s.start,
        s.end,
        escape(&s.text)
    )
}

fn track(file: &str, start: u64, end: u64) -> String {
    format!(
        "<li data-src=\"{}\" data-start=\"{start}\" data-end=\"{end}\"></li>",
        escape(file)
    )
}

/// `m:ss`, or `h:mm:ss` from an hour, for people.
fn clock(ms: u64) -> String {
    let s = ms / 1000;
    match (s / 3600, s / 60 % 60, s % 60) {
        (0, m, s) => format!("{m}:{s:02}"),
        (h, m, s) => format!("{h}:{m:02}:{s:02}"),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{fixture, fmt, Program};
    use super::*;

    fn meta() -> Metadata {
        Metadata {
            title: "Essays, \"Collected\" & <More> ]]> </script>".to_owned(),
            author: "O'Brien & Sons".to_owned(),
            language: "en-US".to_owned(),
            ..Metadata::default()
        }
    }

    fn nasty() -> Program {
        let mut program = fixture::program();
        program.tracks[0].cues[1].text =
            "</script><script>alert(1)</script> {{script}} ]]> <!-- & \"q\" 'r'".to_owned();
        program.chapters[1].title = "<img src=x onerror=alert(1)>".to_owned();
        program
    }

    /// The page as XML: its markup is written so that it parses as XML too (void elements
    /// closed, attributes with values), once the script's code is taken out.
    fn parse_as_xml(page: &str) {
        let start = page.rfind("<script>").expect("a script") + "<script>".len();
        let end = page.rfind("</script>").expect("its end");
        let xml = format!("{}{}", &page[..start], &page[end..]);
        let options = roxmltree::ParsingOptions {
            allow_dtd: true,
            ..roxmltree::ParsingOptions::default()
        };
        roxmltree::Document::parse_with_options(&xml, options)
            .unwrap_or_else(|e| panic!("{e}\n{xml}"));
    }

    #[test]
    fn user_text_never_becomes_markup() {
        let page = render(&Book::new(&nasty()), &meta(), Audio::Episode("episode.mp3"));
        assert_eq!(
            page.matches("<script>").count(),
            1,
            "only the page's own script"
        );
        assert_eq!(page.matches("</script>").count(), 1);
        assert!(!page.contains("<img"));
        assert!(!page.contains("<!--"));
        assert!(!page.contains("]]>"));
        assert!(page.contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; {{script}}"));
        assert!(page.contains("<title>Essays, &quot;Collected&quot; &amp; &lt;More&gt; ]]&gt; &lt;/script&gt;</title>"));
        assert!(page.contains("<p>O&#39;Brien &amp; Sons</p>"));
        // What is left is well-formed markup: every element closed, every text escaped.
        parse_as_xml(&page);
    }

    #[test]
    fn every_sentence_is_a_span_with_the_transcript_times() {
        let program = fixture::program();
        let page = render(&Book::new(&program), &meta(), Audio::Episode("episode.mp3"));
        for (i, cue) in program.cues().enumerate() {
            let span = format!(
                "<span class=\"s\" id=\"s{}\" data-start=\"{}\" data-end=\"{}\">{}</span>",
                i + 1,
                fmt::millis(cue.start),
                fmt::millis(cue.end),
                escape(&fmt::one_line(&cue.text))
            );
            assert!(page.contains(&span), "{span}");
        }
        assert_eq!(page.matches("<li><a href=\"#c").count(), 3);
        assert!(!page.contains("{{"), "every marker is filled");
        assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en-US\">"));
    }

    #[test]
    fn audio_is_the_episode_or_the_paragraph_files_in_program_time() {
        let program = fixture::program();
        let book = Book::new(&program);
        let episode = render(&book, &meta(), Audio::Episode("episode.mp3"));
        let end = fmt::end(&program.tracks);
        assert!(episode.contains(&format!(
            "<li data-src=\"episode.mp3\" data-start=\"0\" data-end=\"{end}\"></li>"
        )));
        assert_eq!(episode.matches("<li data-src=").count(), 1);
        let files = render(&book, &meta(), Audio::Paragraphs);
        assert_eq!(files.matches("<li data-src=").count(), 3);
        for (track, (start, end)) in program.tracks.iter().zip(fmt::spans(&program.tracks)) {
            let track = format!(
                "<li data-src=\"{}\" data-start=\"{start}\" data-end=\"{end}\"></li>",
                track.file
            );
            assert!(files.contains(&track), "{track}");
        }
        assert!(files.contains("href=\"playlist.m3u8\""));
    }

    #[test]
    fn the_header_shows_the_date_as_given_and_the_cover_beside_the_page() {
        let book = Book::new(&fixture::program());
        let mut meta = meta();
        meta.album = Some("The Show".to_owned());
        meta.date_given = Some("2024".to_owned());
        meta.cover = Some(super::super::book::Cover {
            bytes: b"\x89PNG not really".to_vec(),
            kind: super::super::book::ImageKind::Png,
        });
        let page = render(&book, &meta, Audio::Episode("episode.mp3"));
        assert!(
            page.contains("<p>The Show</p><p><time datetime=\"2024\">2024</time></p>"),
            "{page}"
        );
        assert!(page.contains(
            "<img class=\"cover\" src=\"cover.png\" alt=\"Cover of Essays, &quot;Collected&quot; \
             &amp; &lt;More&gt; ]]&gt; &lt;/script&gt;\"/>"
        ));
        parse_as_xml(&page);
        let plain = render(&book, &super::tests::meta(), Audio::Episode("episode.mp3"));
        assert!(!plain.contains("<img") && !plain.contains("<time"));
        assert!(!plain.contains("{{"), "every marker is filled");
    }

    #[test]
    fn clock_is_for_people() {
        assert_eq!(clock(0), "0:00");
        assert_eq!(clock(61_999), "1:01");
        assert_eq!(clock(3_723_004), "1:02:03");
    }
}
