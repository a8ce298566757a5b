//! `chapters.cue`: a CUE sheet, one `FILE` per paragraph, for players and rippers that
//! read cue sheets (foobar2000, VLC, Kodi, CD burners).
//!
//! CUE times count CD frames of 1/75 s, too coarse for the millisecond promise, and
//! every track here starts at `INDEX 01 00:00:00` of its own file anyway. So each track
//! also carries `REM START <seconds>` (its place in the whole program) and
//! `REM DURATION <seconds>` (its file's length), both with three decimals; players
//! ignore `REM` lines or show them as tags. CUE has no escapes: a double quote in a
//! title becomes `'`. The sheet is UTF-8 without a byte-order mark. The format allows
//! 99 tracks; past that the numbers go on (`TRACK 100`) and strict readers may refuse.

use super::{fmt, Listing, Program};

/// A CUE sheet over the paragraph files.
#[derive(Clone, Copy, Debug, Default)]
pub struct CueSheet;

impl Listing for CueSheet {
    fn file_name(&self) -> &'static str {
        "chapters.cue"
    }

    fn description(&self) -> &'static str {
        "CUE sheet for cue-aware players and burners (foobar2000, VLC, Kodi)"
    }

    fn render(&self, program: &Program) -> String {
        let mut out = String::from(
            "REM COMMENT \"START and DURATION are exact seconds; INDEX counts 1/75 s\"\n",
        );
        // The disc's genre and date, as rippers write them (`REM GENRE "Spoken Word"`,
        // `REM DATE 2024`); a date here may also be a day (`2024-03-05`).
        let about = &program.about;
        if let Some(genre) = about.genre.as_deref().map(fmt::one_line) {
            out.push_str(&format!("REM GENRE {}\n", quoted(&genre)));
        }
        if let Some(date) = &about.date {
            out.push_str(&format!("REM DATE {}\n", fmt::one_line(date)));
        }
        // The artist, when there is one, for the disc and every track; without one no
        // PERFORMER line at all (it is optional), rather than crediting narrate.
        let performer = |indent: &str| {
            let artist = fmt::one_line(&program.artist);
            if artist.is_empty() {
                String::new()
            } else {
                format!("{indent}PERFORMER {}\n", quoted(&artist))
            }
        };
        out.push_str(&performer(""));
        out.push_str(&format!("TITLE {}\n", quoted(&program.title)));
        for (track, (start, end)) in program.tracks.iter().zip(fmt::spans(&program.tracks)) {
            out.push_str(&format!(
                "FILE {} WAVE\n  TRACK {:02} AUDIO\n    TITLE {}\n{}    \
                 REM START {}\n    REM DURATION {}\n    INDEX 01 00:00:00\n",
                quoted(&track.file),
                track.index,
                quoted(&track.title),
                performer("    "),
                fmt::seconds(start),
                fmt::seconds(end - start),
            ));
        }
        out
    }
}

/// `text` on one line in double quotes, its own double quotes turned into `'`.
fn quoted(text: &str) -> String {
    format!("\"{}\"", fmt::one_line(text).replace('"', "'"))
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(CueSheet.render(&fixture::program()));
    }

    fn parse_ms(text: &str) -> u64 {
        let (whole, frac) = text.split_once('.').expect("seconds with decimals");
        assert_eq!(frac.len(), 3, "{text}");
        format!("{whole}{frac}").parse().expect("seconds")
    }

    /// Every track as (file, number, title, start ms, duration ms).
    fn parse(text: &str) -> Vec<(String, usize, String, u64, u64)> {
        let mut tracks = Vec::new();
        let mut file = String::new();
        for line in text.lines() {
            let line = line.trim();
            let quoted = || line.split('"').nth(1).unwrap_or("").to_owned();
            if line.starts_with("FILE ") {
                assert!(line.ends_with(" WAVE"), "{line}");
                file = quoted();
            } else if let Some(rest) = line.strip_prefix("TRACK ") {
                let number = rest.trim_end_matches(" AUDIO").parse().expect("a number");
                tracks.push((file.clone(), number, String::new(), 0, 0));
            } else if let Some(track) = tracks.last_mut() {
                if line.starts_with("TITLE ") {
                    track.2 = quoted();
                } else if let Some(start) = line.strip_prefix("REM START ") {
                    track.3 = parse_ms(start);
                } else if let Some(duration) = line.strip_prefix("REM DURATION ") {
                    track.4 = parse_ms(duration);
                }
            }
        }
        tracks
    }

    #[test]
    fn round_trips_to_the_millisecond() {
        let program = fixture::program();
        let text = CueSheet.render(&program);
        let tracks = parse(&text);
        assert_eq!(tracks.len(), program.tracks.len());
        let spans = fmt::spans(&program.tracks);
        for ((parsed, track), (start, end)) in tracks.iter().zip(&program.tracks).zip(spans) {
            assert_eq!(parsed.0, track.file);
            assert_eq!(parsed.1, track.index);
            assert_eq!(parsed.2, fmt::one_line(&track.title).replace('"', "'"));
            assert_eq!(parsed.3, start);
            assert_eq!(parsed.4, end - start);
        }
    }

    #[test]
    fn genre_and_date_are_the_discs_rem_lines() {
        let mut program = fixture::program();
        program.about.genre = Some("Spoken \"Word\"".to_owned());
        program.about.date = Some("2024-03-05".to_owned());
        let sheet = CueSheet.render(&program);
        let head: Vec<&str> = sheet.lines().take(5).collect();
        assert_eq!(
            head[1..4],
            [
                "REM GENRE \"Spoken 'Word'\"",
                "REM DATE 2024-03-05",
                "PERFORMER \"Ann 'Nan' O'Neil; #1 = best\""
            ],
            "{sheet}"
        );
        let bare = CueSheet.render(&fixture::program());
        assert!(
            !bare.contains("REM GENRE") && !bare.contains("REM DATE"),
            "{bare}"
        );
    }

    #[test]
    fn the_artist_performs_the_disc_and_every_track_and_narrate_never_does() {
        let program = fixture::program();
        let text = CueSheet.render(&program);
        let performers: Vec<&str> = text
            .lines()
            .filter_map(|l| l.trim().strip_prefix("PERFORMER "))
            .collect();
        // The disc's, then one per track.
        assert_eq!(performers.len(), 1 + program.tracks.len(), "{text}");
        assert!(text.starts_with("REM COMMENT"));
        assert!(text
            .lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("PERFORMER ")));
        for performer in performers {
            assert_eq!(performer, "\"Ann 'Nan' O'Neil; #1 = best\"");
        }

        let mut anonymous = program;
        anonymous.artist = String::new();
        let text = CueSheet.render(&anonymous);
        assert!(!text.contains("PERFORMER"), "{text}");
        assert!(!text.contains("narrate"), "{text}");
        assert_eq!(parse(&text).len(), anonymous.tracks.len());
    }

    #[test]
    fn every_quoted_field_has_exactly_two_quotes() {
        let text = CueSheet.render(&fixture::program());
        for line in text.lines().filter(|l| l.contains('"')) {
            assert_eq!(line.matches('"').count(), 2, "{line}");
        }
    }
}
