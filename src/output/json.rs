//! `chapters.json`: Podcasting 2.0 JSON chapters (version 1.2.0).
//!
//! The format podcast apps fetch through a feed's `<podcast:chapters>` tag. Times are
//! seconds as JSON numbers; they are rounded to the millisecond before they become
//! floats, so they print as `12.345`, never `12.345000000001`. A chapter's `endTime` is the
//! next one's `startTime` ([`fmt::spans`]), as in the MP3's chapters.

use serde::Serialize;

use super::{fmt, Listing, Program};

/// Podcasting 2.0 JSON chapters.
#[derive(Clone, Copy, Debug, Default)]
pub struct JsonChapters;

/// Version of the JSON chapters format written.
pub const VERSION: &str = "1.2.0";

#[derive(Serialize)]
struct Document<'a> {
    version: &'static str,
    /// The episode's author (the spec's optional `author`).
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    /// The show (the spec's optional `podcastName`).
    #[serde(rename = "podcastName", skip_serializing_if = "Option::is_none")]
    podcast_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    chapters: Vec<Entry>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    start_time: f64,
    end_time: f64,
    title: String,
}

impl Listing for JsonChapters {
    fn file_name(&self) -> &'static str {
        "chapters.json"
    }

    fn description(&self) -> &'static str {
        "Podcasting 2.0 JSON chapters for podcast apps (Podcast Index, Fountain, Podverse)"
    }

    fn render(&self, program: &Program) -> String {
        let title = fmt::one_line(&program.title);
        let artist = fmt::one_line(&program.artist);
        let document = Document {
            version: VERSION,
            author: Some(artist.as_str()).filter(|a| !a.is_empty()),
            title: Some(title.as_str()).filter(|t| !t.is_empty()),
            podcast_name: given(&program.about.album),
            description: given(&program.about.description),
            chapters: program
                .chapters
                .iter()
                .zip(fmt::spans(&program.chapters))
                .map(|(chapter, (start, end))| Entry {
                    start_time: fmt::seconds_f64(start),
                    end_time: fmt::seconds_f64(end),
                    title: fmt::one_line(&chapter.title),
                })
                .collect(),
        };
        fmt::pretty_json(&document)
    }
}

/// `value` on one line, unless it is unset or blank.
fn given(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(fmt::one_line)
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;
    use serde_json::Value;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(JsonChapters.render(&fixture::program()));
    }

    fn ms(value: &Value) -> u64 {
        let text = value.to_string();
        let (whole, frac) = text.split_once('.').unwrap_or((&text, "0"));
        assert!(frac.len() <= 3, "{text}");
        format!("{whole}{frac:0<3}")
            .parse()
            .expect("a time in seconds")
    }

    #[test]
    fn round_trips_to_the_millisecond() {
        let program = fixture::program();
        let text = JsonChapters.render(&program);
        let value: Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(value["version"], "1.2.0");
        assert_eq!(value["title"], "Essays, \"Collected\" & More");
        let chapters = value["chapters"].as_array().expect("a chapters array");
        assert_eq!(chapters.len(), program.chapters.len());
        let spans = fmt::spans(&program.chapters);
        for ((entry, chapter), span) in chapters.iter().zip(&program.chapters).zip(spans) {
            assert_eq!((ms(&entry["startTime"]), ms(&entry["endTime"])), span);
            assert_eq!(entry["title"], fmt::one_line(&chapter.title).as_str());
        }
    }

    #[test]
    fn the_artist_is_the_author_and_left_out_when_empty() {
        let mut program = fixture::program();
        let value: Value =
            serde_json::from_str(&JsonChapters.render(&program)).expect("valid JSON");
        assert_eq!(value["author"], "Ann \"Nan\" O'Neil; #1 = best");
        program.artist = String::new();
        let value: Value =
            serde_json::from_str(&JsonChapters.render(&program)).expect("valid JSON");
        assert!(value.get("author").is_none());
    }

    #[test]
    fn the_show_is_the_podcast_name_beside_the_description() {
        let mut program = fixture::program();
        let value: Value =
            serde_json::from_str(&JsonChapters.render(&program)).expect("valid JSON");
        assert!(value.get("podcastName").is_none() && value.get("description").is_none());
        program.about.album = Some("The Show".to_owned());
        program.about.description = Some("What it\nis about".to_owned());
        let value: Value =
            serde_json::from_str(&JsonChapters.render(&program)).expect("valid JSON");
        assert_eq!(value["podcastName"], "The Show");
        assert_eq!(value["description"], "What it is about");
    }

    #[test]
    fn title_is_left_out_when_empty() {
        let mut program = fixture::program();
        program.title = String::new();
        let value: Value =
            serde_json::from_str(&JsonChapters.render(&program)).expect("valid JSON");
        assert!(value.get("title").is_none());
    }
}
