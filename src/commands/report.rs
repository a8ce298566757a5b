//! What the commands print: progress on stderr (hidden when stderr is not a terminal or with
//! `-q`), the closing summary of a run, errors with their causes, and results on stdout,
//! whose write errors are handled (a closed pipe ends quietly, anything else is an error).

use std::io::Write;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::eta::{self, Eta};
use crate::cli::Verbosity;
use crate::config::Settings;
use crate::error::{Error, Result};
use crate::render::manifest::EpisodeEntry;
use crate::render::{acx, Events, Summary};

/// How much a command says on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Report {
    Quiet,
    Normal,
    Verbose,
}

impl Report {
    pub fn of(v: &Verbosity) -> Report {
        if v.quiet {
            Report::Quiet
        } else if v.verbose {
            Report::Verbose
        } else {
            Report::Normal
        }
    }
}

/// A run's events on the terminal: a progress bar of the paragraphs made with the time left
/// ([`Eta`]: from the audio left to make), and paragraph errors printed above it.
pub struct Terminal {
    report: Report,
    bar: ProgressBar,
    eta: Eta,
    started: Instant,
}

impl Terminal {
    pub fn new(report: Report) -> Terminal {
        Terminal {
            report,
            bar: ProgressBar::hidden(),
            eta: Eta::default(),
            started: Instant::now(),
        }
    }
}

impl Events for Terminal {
    fn speaking(&mut self, pieces: usize, paragraphs: usize, chars: usize) {
        if self.report == Report::Quiet || pieces == 0 {
            return;
        }
        self.eta = Eta::new(chars);
        self.started = Instant::now();
        let target = ProgressDrawTarget::stderr();
        self.bar = ProgressBar::with_draw_target(Some(paragraphs as u64), target);
        self.bar.set_style(
            ProgressStyle::with_template(
                "{spinner} narrating {pos}/{len} paragraphs {wide_bar} {msg}",
            )
            .expect("the template is valid"),
        );
    }

    fn assembled(&mut self, chars: usize, audio: Duration) {
        self.eta.add(chars, audio, self.started.elapsed());
        if let Some(left) = self.eta.left() {
            self.bar.set_message(format!("{} left", eta::clock(left)));
        }
        self.bar.inc(1);
    }

    fn failed(&mut self, index: usize, line: usize, error: &Error) {
        self.bar
            .println(format!("error: paragraph {index} (line {line}): {error}"));
    }

    fn spoken(&mut self) {
        self.bar.finish_and_clear();
    }
}

/// Prints `err` and its causes on stderr, as every command reports a failure. A cause the
/// line above already ends with (`out.wav: cannot write: No space left on device`) is not
/// said twice.
pub fn print_error(err: &Error) {
    let mut said = err.to_string();
    eprintln!("narrate: error: {said}");
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        let text = cause.to_string();
        if !said.ends_with(&text) {
            eprintln!("  caused by: {text}");
        }
        said = text;
        source = cause.source();
    }
}

/// Writes a command's results to stdout with `write`, then flushes. A reader that went away
/// (`narrate text | head`) ends the command quietly; any other failure (a full disk) is an
/// error naming standard output.
pub fn to_stdout(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match write(&mut out).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::output("standard output", "cannot write", e)),
        Ok(()) => Ok(()),
    }
}

/// What a run reports: what it found damaged, and with `-v` the files it wrote and removed,
/// then its summary.
pub fn report_run(summary: &Summary, settings: &Settings, report: Report) {
    if report == Report::Quiet {
        return;
    }
    for warning in &summary.warnings {
        eprintln!("warning: {warning}");
    }
    if report == Report::Verbose {
        for (file, sentences) in &summary.written_files {
            eprintln!("  wrote {file} ({sentences} sentences spoken)");
        }
        for file in &summary.removed_files {
            eprintln!("  removed {file}");
        }
    }
    eprintln!("{}", summary_line(summary, settings));
}

/// Script text as it may be shown on a terminal: control characters (an escape sequence in
/// a script could set the terminal's title or worse) are written as escapes, `\u{1b}`.
pub fn shown(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// `m:ss` or `h:mm:ss`.
fn clock(d: std::time::Duration) -> String {
    let s = d.as_secs();
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// How long a run took: rebuilds take milliseconds, which "0.0 s" would hide.
fn took(wall: std::time::Duration) -> String {
    let s = wall.as_secs_f64();
    if s < 1.0 {
        format!("{:.0} ms", s * 1000.0)
    } else {
        format!("{s:.1} s")
    }
}

/// `1 paragraph`, `2 paragraphs`: `n` of a regular English noun.
pub(super) fn counted(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// The closing line of a run.
pub fn summary_line(s: &Summary, settings: &Settings) -> String {
    let wall = s.wall.as_secs_f64();
    // Speed means something only when something was spoken.
    let speed = if s.synthesized == 0 {
        "nothing to speak".to_owned()
    } else if wall > 0.0 {
        format!("{:.0}x real time", s.audio.as_secs_f64() / wall)
    } else {
        "instant".to_owned()
    };
    let took = took(s.wall);
    let mut line = format!(
        "narrated {}, {}: {} of audio in {took} ({speed}) -> {}\n  \
         speech: {} synthesized, {} from the cache; files: {} written, {} unchanged",
        counted(s.paragraphs, "paragraph"),
        counted(s.sentences, "sentence"),
        clock(s.audio),
        settings.output.display(),
        s.synthesized,
        s.cached,
        s.written,
        s.kept,
    );
    if s.removed > 0 {
        line.push_str(&format!(", {} removed", s.removed));
    }
    if let Some(e) = &s.episode {
        let loudness = e
            .loudness
            .as_ref()
            .and_then(|l| {
                Some(format!(
                    "{:.1} LUFS, true peak {:.1} dBTP",
                    l.integrated?.0, l.true_peak?.0
                ))
            })
            .unwrap_or_else(|| "not measured".to_owned());
        let files: Vec<&str> = (e.files.keys().map(String::as_str))
            .filter(|n| !acx::is_chapter_file(n))
            .rev()
            .collect();
        let files = match files.as_slice() {
            [one] => (*one).to_owned(),
            many => format!("{{{}}}", many.join(",")),
        };
        line.push_str(&format!(
            "\n  episode: {}/{files} at {} Hz, {} ({}){}",
            settings.output.display(),
            e.sample_rate,
            loudness,
            settings.master.loudness,
            if s.episode_written {
                format!(
                    "; MP3 segments: {} encoded, {} reused",
                    s.segments_encoded, s.segments_reused
                )
            } else {
                ", unchanged".to_owned()
            },
        ));
        line.push_str(&acx_lines(s, e));
    }
    line
}

/// The ACX chapter files, and each of ACX's requirements with whether they meet it as
/// measured on the files written.
fn acx_lines(s: &Summary, e: &EpisodeEntry) -> String {
    let count = e.files.keys().filter(|n| acx::is_chapter_file(n)).count();
    if count == 0 {
        return String::new();
    }
    let mut text = format!(
        "\n  ACX: {count} chapter files {}-*.mp3",
        acx::PREFIX.trim_end_matches('-')
    );
    if s.acx.is_empty() {
        text.push_str(", unchanged");
        return text;
    }
    text.push_str(&format!(" ({} written), measured:", s.acx_written));
    for r in acx::requirements(&s.acx) {
        let verdict = if r.holds { "ok  " } else { "FAIL" };
        text.push_str(&format!("\n    {verdict} {}: {}", r.asks, r.found));
        if !r.failing.is_empty() {
            text.push_str(&format!(" (not {})", r.failing.join(", ")));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn control_characters_are_shown_as_escapes() {
        assert_eq!(shown("plain text — fine"), "plain text — fine");
        assert_eq!(
            shown("a\u{1b}]0;pwned\u{7}b\u{9b}c"),
            "a\\u{1b}]0;pwned\\u{7}b\\u{9b}c"
        );
    }

    #[test]
    fn one_is_singular() {
        assert_eq!(counted(0, "paragraph"), "0 paragraphs");
        assert_eq!(counted(1, "paragraph"), "1 paragraph");
        assert_eq!(counted(2, "sentence"), "2 sentences");
    }

    #[test]
    fn run_times_under_a_second_are_in_milliseconds() {
        assert_eq!(took(Duration::from_micros(41_400)), "41 ms");
        assert_eq!(took(Duration::from_millis(999)), "999 ms");
        assert_eq!(took(Duration::from_millis(2_940)), "2.9 s");
    }
}
