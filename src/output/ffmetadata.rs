//! `chapters.ffmetadata`: ffmpeg's metadata file, to put chapters into a joined file:
//! `ffmpeg -f concat -i list.txt -i chapters.ffmetadata -map_metadata 1 -map_chapters 1
//! narration.m4a`.
//!
//! Chapters use `TIMEBASE=1/1000`, so `START` and `END` are exact milliseconds; a
//! chapter's `END` is the next one's `START` ([`fmt::spans`]), as in the MP3's chapters.
//! In keys and values ffmpeg reads `=`, `;`, `#`, `\` and newline literally only after a
//! backslash, so those are escaped.

use super::{fmt, Listing, Program};

/// ffmpeg's `FFMETADATA1` with one `[CHAPTER]` per paragraph.
#[derive(Clone, Copy, Debug, Default)]
pub struct FfMetadata;

impl Listing for FfMetadata {
    fn file_name(&self) -> &'static str {
        "chapters.ffmetadata"
    }

    fn description(&self) -> &'static str {
        "ffmpeg metadata, to add chapters to a joined file (ffmpeg -map_chapters)"
    }

    fn render(&self, program: &Program) -> String {
        let mut out = String::from(";FFMETADATA1\n");
        let title = fmt::one_line(&program.title);
        if !title.is_empty() {
            out.push_str(&format!("title={}\n", escape(&title)));
        }
        let about = &program.about;
        let track = about.track.map(|t| t.to_string());
        let fields = [
            ("artist", Some(&program.artist)),
            ("album", about.album.as_ref()),
            ("date", about.date.as_ref()),
            ("genre", about.genre.as_ref()),
            ("comment", about.description.as_ref()),
            ("track", track.as_ref()),
        ];
        for (key, value) in fields {
            let value = value.map(|v| fmt::one_line(v)).unwrap_or_default();
            if !value.is_empty() {
                out.push_str(&format!("{key}={}\n", escape(&value)));
            }
        }
        for (chapter, (start, end)) in program.chapters.iter().zip(fmt::spans(&program.chapters)) {
            out.push_str(&format!(
                "\n[CHAPTER]\nTIMEBASE=1/1000\nSTART={start}\nEND={end}\ntitle={}\n",
                escape(&fmt::one_line(&chapter.title)),
            ));
        }
        out
    }
}

/// A backslash before each of `=`, `;`, `#`, `\` and newline.
pub fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if matches!(c, '=' | ';' | '#' | '\\' | '\n') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(FfMetadata.render(&fixture::program()));
    }

    /// Splits `key=value` at the first unescaped `=` and unescapes the value, as ffmpeg.
    fn key_value(line: &str) -> Option<(String, String)> {
        let mut key = String::new();
        let mut value = String::new();
        let mut in_value = false;
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            let c = match c {
                '\\' => chars.next()?,
                '=' if !in_value => {
                    in_value = true;
                    continue;
                }
                c => c,
            };
            if in_value { &mut value } else { &mut key }.push(c);
        }
        in_value.then_some((key, value))
    }

    /// Every chapter as (timebase, start, end, title).
    fn parse(text: &str) -> Vec<(String, u64, u64, String)> {
        let mut chapters = Vec::new();
        assert!(text.starts_with(";FFMETADATA1\n"));
        for line in text.lines().skip(1) {
            if line == "[CHAPTER]" {
                chapters.push((String::new(), 0, 0, String::new()));
                continue;
            }
            let Some(chapter) = chapters.last_mut() else {
                continue;
            };
            match key_value(line) {
                Some((k, v)) if k == "TIMEBASE" => chapter.0 = v,
                Some((k, v)) if k == "START" => chapter.1 = v.parse().expect("ms"),
                Some((k, v)) if k == "END" => chapter.2 = v.parse().expect("ms"),
                Some((k, v)) if k == "title" => chapter.3 = v,
                _ => {}
            }
        }
        chapters
    }

    #[test]
    fn round_trips_to_the_millisecond() {
        let program = fixture::program();
        let text = FfMetadata.render(&program);
        let chapters = parse(&text);
        assert_eq!(chapters.len(), program.chapters.len());
        let spans = fmt::spans(&program.chapters);
        for ((parsed, chapter), span) in chapters.iter().zip(&program.chapters).zip(spans) {
            assert_eq!(parsed.0, "1/1000");
            assert_eq!((parsed.1, parsed.2), span);
            assert_eq!(parsed.3, fmt::one_line(&chapter.title));
        }
    }

    /// The global `key=value` pairs (before the first section).
    fn globals(text: &str) -> Vec<(String, String)> {
        text.lines()
            .skip(1)
            .take_while(|l| !l.starts_with('['))
            .filter_map(key_value)
            .collect()
    }

    #[test]
    fn the_artist_is_a_global_tag_when_there_is_one() {
        let mut program = fixture::program();
        assert_eq!(
            globals(&FfMetadata.render(&program)),
            [
                ("title".to_owned(), program.title.clone()),
                ("artist".to_owned(), program.artist.clone()),
            ]
        );
        program.artist = String::new();
        assert_eq!(
            globals(&FfMetadata.render(&program)),
            [("title".to_owned(), program.title.clone())]
        );
    }

    #[test]
    fn every_field_of_the_episode_is_a_global_tag() {
        let mut program = fixture::program();
        program.about = crate::output::About {
            album: Some("The Show; #2".to_owned()),
            date: Some("2024-03-05".to_owned()),
            genre: Some("Podcast".to_owned()),
            description: Some("Two lines\nof = description".to_owned()),
            track: Some(7),
        };
        let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
            list.iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        };
        assert_eq!(
            globals(&FfMetadata.render(&program)),
            pairs(&[
                ("title", &program.title),
                ("artist", &program.artist),
                ("album", "The Show; #2"),
                ("date", "2024-03-05"),
                ("genre", "Podcast"),
                ("comment", "Two lines of = description"),
                ("track", "7"),
            ])
        );
    }

    #[test]
    fn escapes_metacharacters() {
        assert_eq!(escape("a=b;c#d\\e\nf"), "a\\=b\\;c\\#d\\\\e\\\nf");
        assert_eq!(
            key_value(&format!("title={}", escape("x = 1; #2 \\ y"))),
            Some(("title".to_owned(), "x = 1; #2 \\ y".to_owned()))
        );
    }
}
