//! `episode.rss.xml`: an RSS 2.0 feed of one item, the episode, with the iTunes and
//! Podcasting 2.0 namespaces: a podcaster pastes the `<item>` into a feed, or serves the
//! file as a one-episode feed.
//!
//! The item has the title, an enclosure (`episode.mp3`, its length in bytes, `audio/mpeg`),
//! `itunes:duration` (whole seconds of the program), `itunes:episode` (the track number,
//! when there is one), `podcast:chapters` (chapters.json) and
//! `podcast:transcript` (VTT, JSON, SRT); with a cover, the channel's `image` and
//! `itunes:image` and the item's `itunes:image` name `cover.jpg` or `cover.png`. Links are made from the base URL, relative when
//! there is none. The guid is [`Metadata::identifier`]: an edited episode stays the same
//! episode to podcast apps. `pubDate` is the work's date, else the script's time, never
//! "now". Every text is escaped, so any title or script gives valid XML.

use super::book::{Book, Metadata};
use super::fmt;
use super::markup::escape;

/// File name in the output folder.
pub const FILE: &str = "episode.rss.xml";

/// The episode file the item announces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Enclosure<'a> {
    /// File name in the output folder.
    pub file: &'a str,
    /// Its size in bytes.
    pub length: u64,
}

/// Longest item description written (Apple Podcasts takes up to 4000 characters).
const DESCRIPTION_CHARS: usize = 4000;

/// The feed of one item for `book`; `page` is the read-along page, if one is written.
pub fn render(book: &Book, meta: &Metadata, episode: Enclosure, page: Option<&str>) -> String {
    let link = escape(&meta.url(page.unwrap_or(episode.file)));
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>
<rss version=\"2.0\" xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\" xmlns:podcast=\"https://podcastindex.org/namespace/1.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\">
<channel>
{}
<item>
{}
</item>
</channel>
</rss>
",
        channel(meta, &link).join("\n"),
        item(book, meta, episode, &link).join("\n")
    )
}

fn language(meta: &Metadata) -> String {
    escape(if meta.language.is_empty() {
        "und"
    } else {
        &meta.language
    })
}

/// `<itunes:author>`, if there is an author.
fn author(meta: &Metadata) -> Option<String> {
    let author = fmt::one_line(&meta.author);
    (!author.is_empty()).then(|| format!("<itunes:author>{}</itunes:author>", escape(&author)))
}

/// The channel's elements (before its item): the show, else the episode's title.
fn channel(meta: &Metadata, link: &str) -> Vec<String> {
    let show = meta
        .album
        .as_deref()
        .map(fmt::one_line)
        .filter(|a| !a.is_empty())
        .unwrap_or_else(|| fmt::one_line_or(&meta.title, "Narration"));
    let mut channel = vec![
        format!("<title>{}</title>", escape(&show)),
        format!("<link>{link}</link>"),
        format!(
            "<description>{}</description>",
            escape(&show_description(meta))
        ),
        format!("<language>{}</language>", language(meta)),
        format!(
            "<generator>narrate {}</generator>",
            env!("CARGO_PKG_VERSION")
        ),
    ];
    if meta.base_url.is_some() {
        channel.push(format!(
            "<atom:link href=\"{}\" rel=\"self\" type=\"application/rss+xml\"/>",
            escape(&meta.url(FILE))
        ));
    }
    if let Some(url) = cover_url(meta) {
        // RSS 2.0's image names its title and link too, the channel's own.
        channel.push(format!(
            "<image><url>{url}</url><title>{}</title><link>{link}</link></image>",
            escape(&show)
        ));
        channel.push(format!("<itunes:image href=\"{url}\"/>"));
    }
    channel.extend(author(meta));
    channel.push("<itunes:explicit>false</itunes:explicit>".to_owned());
    channel
}

/// The cover's address, escaped, when there is a cover (the run copies it beside the feed).
fn cover_url(meta: &Metadata) -> Option<String> {
    let cover = meta.cover.as_ref()?;
    Some(escape(&meta.url(cover.kind.cover_file())))
}

/// The item's elements.
fn item(book: &Book, meta: &Metadata, episode: Enclosure, link: &str) -> Vec<String> {
    let mut item = vec![
        format!(
            "<title>{}</title>",
            escape(&fmt::one_line_or(&meta.title, "Narration"))
        ),
        format!(
            "<description>{}</description>",
            escape(&description(book, meta))
        ),
        format!("<link>{link}</link>"),
        format!("<guid isPermaLink=\"false\">{}</guid>", meta.identifier()),
    ];
    if let Some(date) = meta.date.or(meta.modified) {
        item.push(format!("<pubDate>{}</pubDate>", fmt::rfc2822(date)));
    }
    item.push(format!(
        "<enclosure url=\"{}\" length=\"{}\" type=\"audio/mpeg\"/>",
        escape(&meta.url(episode.file)),
        episode.length
    ));
    item.extend(author(meta));
    item.extend(cover_url(meta).map(|url| format!("<itunes:image href=\"{url}\"/>")));
    item.extend([
        format!(
            "<itunes:duration>{}</itunes:duration>",
            (book.end + 500) / 1000
        ),
        "<itunes:episodeType>full</itunes:episodeType>".to_owned(),
    ]);
    item.extend(
        meta.episode
            .map(|n| format!("<itunes:episode>{n}</itunes:episode>")),
    );
    item.extend([
        "<itunes:explicit>false</itunes:explicit>".to_owned(),
        format!(
            "<podcast:chapters url=\"{}\" type=\"application/json+chapters\"/>",
            escape(&meta.url("chapters.json"))
        ),
    ]);
    let language = language(meta);
    for (file, mime) in [
        ("transcript.vtt", "text/vtt"),
        ("transcript.json", "application/json"),
        ("transcript.srt", "application/x-subrip"),
    ] {
        item.push(format!(
            "<podcast:transcript url=\"{}\" type=\"{mime}\" language=\"{language}\"/>",
            escape(&meta.url(file))
        ));
    }
    item
}

/// The work's description, if it has one.
fn given_description(meta: &Metadata) -> Option<String> {
    meta.description
        .as_deref()
        .map(fmt::one_line)
        .filter(|d| !d.is_empty())
}

/// The channel's description: the work's, else its title.
fn show_description(meta: &Metadata) -> String {
    given_description(meta).unwrap_or_else(|| fmt::one_line_or(&meta.title, "Narration"))
}

/// The item's description: the work's, else the first paragraph as written, at most [`DESCRIPTION_CHARS`].
fn description(book: &Book, meta: &Metadata) -> String {
    if let Some(d) = given_description(meta) {
        return d;
    }
    let first: Vec<&str> = book
        .sections
        .iter()
        .flat_map(|s| &s.paragraphs)
        .find(|p| !p.sentences.is_empty())
        .map(|p| p.sentences.iter().map(|s| s.text.as_str()).collect())
        .unwrap_or_default();
    let text = first.join(" ");
    if text.chars().count() <= DESCRIPTION_CHARS {
        return text;
    }
    super::naming::title_from_text(&text, DESCRIPTION_CHARS)
}

#[cfg(test)]
mod tests;
