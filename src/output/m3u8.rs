//! `playlist.m3u8`: the paragraph files in order, for any audio player.
//!
//! Extended M3U in UTF-8 (the `8`), LF line ends, file names relative to the playlist so
//! the folder can move. A title is everything after the first comma of `#EXTINF`, so
//! commas in it are fine; it is put on one line so it cannot end the tag early.
//! `#EXTINF` carries seconds with three decimals, which players that want integers read
//! by their integer part.

use super::{fmt, Listing, Program};

/// An extended M3U playlist of the paragraph files.
#[derive(Clone, Copy, Debug, Default)]
pub struct Playlist;

impl Listing for Playlist {
    fn file_name(&self) -> &'static str {
        "playlist.m3u8"
    }

    fn description(&self) -> &'static str {
        "playlist of the paragraph files for audio players (VLC, mpv, foobar2000, iTunes)"
    }

    fn render(&self, program: &Program) -> String {
        let mut out = String::from("#EXTM3U\n");
        let title = fmt::one_line(&program.title);
        if !title.is_empty() {
            out.push_str(&format!("#PLAYLIST:{title}\n"));
        }
        for (track, (start, end)) in program.tracks.iter().zip(fmt::spans(&program.tracks)) {
            out.push_str(&format!(
                "#EXTINF:{},{}\n{}\n",
                fmt::seconds(end - start),
                fmt::one_line(&track.title),
                fmt::one_line(&track.file),
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(Playlist.render(&fixture::program()));
    }

    /// Every `#EXTINF` as (milliseconds, title, file).
    fn parse(text: &str) -> Vec<(u64, String, String)> {
        let mut lines = text.lines();
        let mut entries = Vec::new();
        while let Some(line) = lines.next() {
            let Some(info) = line.strip_prefix("#EXTINF:") else {
                continue;
            };
            let (secs, title) = info.split_once(',').unwrap_or((info, ""));
            let (whole, frac) = secs.split_once('.').unwrap_or((secs, "0"));
            assert_eq!(frac.len(), 3, "{line}");
            let ms: u64 = format!("{whole}{frac}").parse().expect("seconds");
            let file = lines.next().unwrap_or("");
            entries.push((ms, title.to_owned(), file.to_owned()));
        }
        entries
    }

    #[test]
    fn round_trips_to_the_millisecond() {
        let program = fixture::program();
        let text = Playlist.render(&program);
        assert!(text.starts_with("#EXTM3U\n#PLAYLIST:Essays, \"Collected\" & More\n"));
        let entries = parse(&text);
        assert_eq!(entries.len(), program.tracks.len());
        let spans = fmt::spans(&program.tracks);
        for (((ms, title, file), track), (start, end)) in
            entries.iter().zip(&program.tracks).zip(spans)
        {
            assert_eq!(*ms, end - start);
            assert_eq!(*title, fmt::one_line(&track.title));
            assert_eq!(*file, track.file);
        }
    }

    #[test]
    fn no_playlist_tag_without_a_title() {
        let mut program = fixture::program();
        program.title = " \n ".to_owned();
        assert!(!Playlist.render(&program).contains("#PLAYLIST"));
    }
}
