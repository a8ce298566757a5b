//! `chapters.txt`: the chapter table for people, readable in any pager or editor.
//!
//! Columns are padded to the widest entry, counted in characters (file names are ASCII;
//! the title, the only free text, comes last and is never padded), so the table lines up
//! in a monospace font.

use super::{fmt, Listing, Program};

/// The chapter table, a row per paragraph file: number, start, duration, file, loudness, title, and a total.
#[derive(Clone, Copy, Debug, Default)]
pub struct ChapterTable;

const HEADINGS: [&str; 6] = ["#", "start", "duration", "file", "loudness", "title"];

impl Listing for ChapterTable {
    fn file_name(&self) -> &'static str {
        "chapters.txt"
    }

    fn description(&self) -> &'static str {
        "chapter table for people: start, duration, file and title of each paragraph"
    }

    fn render(&self, program: &Program) -> String {
        let rows: Vec<[String; 6]> = program
            .tracks
            .iter()
            .zip(fmt::spans(&program.tracks))
            .map(|(track, (start, end))| {
                [
                    track.index.to_string(),
                    fmt::hms(start),
                    fmt::short(end - start),
                    fmt::one_line(&track.file),
                    track.loudness.map_or_else(
                        || "-".to_owned(),
                        |l| format!("{:.1} LUFS {:.1} dBTP", l.lufs, l.true_peak),
                    ),
                    fmt::one_line(&track.title),
                ]
            })
            .collect();
        let mut widths = HEADINGS.map(|h| h.chars().count());
        for row in &rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }

        let title = fmt::one_line(&program.title);
        let mut out = String::new();
        if !title.is_empty() {
            out.push_str(&title);
            out.push_str("\n\n");
        }
        out.push_str(&line(&HEADINGS.map(str::to_owned), &widths));
        for row in &rows {
            out.push_str(&line(row, &widths));
        }
        let total = fmt::end(&program.tracks);
        let count = program.tracks.len();
        let files = if count == 1 { "file" } else { "files" };
        out.push_str(&format!("\ntotal {} in {count} {files}\n", fmt::hms(total)));
        out
    }
}

/// One table line: number and times right-aligned, file left-aligned, title as is.
fn line(cells: &[String; 6], widths: &[usize; 6]) -> String {
    let [number, start, duration, file, loudness, title] = cells;
    let [w_number, w_start, w_duration, w_file, w_loudness, _] = *widths;
    let pad = |s: &str, w: usize| " ".repeat(w.saturating_sub(s.chars().count()));
    let mut out = format!(
        "{}{number}  {}{start}  {}{duration}  {file}{}  {}{loudness}  {title}",
        pad(number, w_number),
        pad(start, w_start),
        pad(duration, w_duration),
        pad(file, w_file),
        pad(loudness, w_loudness),
    );
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(ChapterTable.render(&fixture::program()));
    }

    /// `h:mm:ss.mmm` or `m:ss.mmm` back to milliseconds.
    fn parse_time(text: &str) -> Option<u64> {
        let (clock, frac) = text.split_once('.')?;
        let mut secs = 0;
        for part in clock.split(':') {
            secs = secs * 60 + part.parse::<u64>().ok()?;
        }
        Some(secs * 1000 + frac.parse::<u64>().ok()?)
    }

    #[test]
    fn round_trips_to_the_millisecond() {
        let program = fixture::program();
        let text = ChapterTable.render(&program);
        let rows: Vec<Vec<&str>> = text
            .lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>())
            .filter(|w| w.first().is_some_and(|n| n.parse::<usize>().is_ok()))
            .collect();
        assert_eq!(rows.len(), program.tracks.len());
        let spans = fmt::spans(&program.tracks);
        for ((row, track), (start, end)) in rows.iter().zip(&program.tracks).zip(spans) {
            assert_eq!(row[0], track.index.to_string());
            assert_eq!(parse_time(row[1]), Some(start));
            assert_eq!(parse_time(row[2]), Some(end - start));
            assert_eq!(row[3], track.file);
        }
        let total = text.lines().last().and_then(|l| l.split(' ').nth(1));
        assert_eq!(total.and_then(parse_time), Some(3_601_000));
    }

    #[test]
    fn columns_line_up() {
        let text = ChapterTable.render(&fixture::program());
        let table: Vec<&str> = text.lines().skip(2).take(4).collect();
        assert!(table[0].starts_with("#"), "{table:?}");
        // Titles are one line with single spaces, so the last double space opens them.
        let title_at: Vec<Option<usize>> = table
            .iter()
            .map(|l| l.rfind("  ").map(|i| l[..i].chars().count()))
            .collect();
        assert!(title_at[0].is_some());
        assert!(title_at.windows(2).all(|w| w[0] == w[1]), "{title_at:?}");
        let widths: Vec<usize> = table
            .iter()
            .map(|l| l.find(" 0:").map_or(0, |i| i))
            .collect();
        assert!(widths[1..].windows(2).all(|w| w[0] == w[1]), "{widths:?}");
    }
}
