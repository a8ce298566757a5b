//! Errors and the exit code of each class of failure.
//!
//! Library errors carry the file, line or paragraph they are about and their `#[source]`;
//! `main` prints the chain and exits with [`Error::exit_code`]. The codes are part of the
//! command-line interface and documented in the README.

use std::path::PathBuf;

use crate::engine::EngineError;
use crate::text::normalize::LexiconError;

/// Documented exit codes.
pub mod exit {
    /// Everything was narrated.
    pub const OK: i32 = 0;
    /// An unexpected failure (a bug, or an I/O error narrate did not foresee).
    pub const FAILURE: i32 = 1;
    /// Bad command-line usage (clap's own code): an unknown flag, or a value a flag or an
    /// environment variable gave that narrate cannot use.
    pub const USAGE: i32 = 2;
    /// The script, lexicon or `narrate.toml` cannot be used (missing, a directory, not
    /// UTF-8, binary, malformed, nothing to say, a paragraph too long for a WAV file).
    pub const INPUT: i32 = 3;
    /// The speech engine is missing or refused the settings (unknown voice).
    pub const ENGINE: i32 = 4;
    /// Some paragraphs failed to synthesize; the others were written.
    pub const PARTIAL: i32 = 5;
    /// The output folder cannot be written, or holds a file narrate did not write under a
    /// name it would write.
    pub const OUTPUT: i32 = 6;
    /// Another narrate is writing the same output folder.
    pub const LOCKED: i32 = 7;
    /// Stopped by Ctrl-C (128 + SIGINT).
    pub const INTERRUPTED: i32 = 130;

    /// Every code with what it means, as the README's table and the man page's EXIT STATUS
    /// say it (`backquotes` mark names).
    pub const TABLE: [(i32, &str); 9] = [
        (OK, "done"),
        (FAILURE, "unexpected failure"),
        (
            USAGE,
            "bad command-line usage: an unknown flag, or a bad value in a flag or an \
             environment variable (`--cover` naming a file that is missing or not a square \
             JPEG or PNG)",
        ),
        (
            INPUT,
            "the script, lexicon or narrate.toml cannot be used (missing, a directory, not \
             UTF-8, binary, malformed, nothing to say, a paragraph too long for a WAV file), \
             or a value in narrate.toml or front matter is bad (a date that is not one, a \
             cover that is missing or not a square JPEG or PNG)",
        ),
        (
            ENGINE,
            "the speech engine is missing or refused the settings (unknown voice, a pitch \
             `say`/SAPI cannot do); `narrate speak` without a speech service, a sound device \
             or the `live` feature",
        ),
        (PARTIAL, "some paragraphs failed; the others were written"),
        (
            OUTPUT,
            "the output folder cannot be written, or holds a file narrate did not write \
             under a name it needs (nothing is written)",
        ),
        (LOCKED, "another narrate is writing the same output folder"),
        (
            INTERRUPTED,
            "interrupted (Ctrl-C); every file already written is complete, no partial \
             episode is left (`narrate speak`: stopped). narrate stops after the sentences \
             being spoken (with Piper, the current batch: a few seconds); a second Ctrl-C \
             stops at once",
        ),
    ];
}

/// Why a script could not be read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{path}: no such file\n  hint: {hint}")]
    NotFound { path: PathBuf, hint: String },
    #[error("{path}: is a directory, not a script")]
    Directory { path: PathBuf },
    #[error("{path}: cannot read: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}: not valid UTF-8 (byte offset {offset}); save the script as UTF-8")]
    NotUtf8 {
        path: PathBuf,
        line: usize,
        offset: usize,
    },
    #[error("{path}: looks like a binary file (NUL byte at offset {offset}), not a text script")]
    Binary { path: PathBuf, offset: usize },
    #[error("{path}: nothing to narrate (no paragraph has a letter or digit)")]
    NothingSpeakable { path: PathBuf },
    #[error(transparent)]
    Lexicon(#[from] LexiconError),
    #[error("{path}: {message}")]
    Config { path: PathBuf, message: String },
    #[error(
        "{path}:{line}: paragraph {paragraph} would be about {hours:.0} h of audio, more than a \
         WAV file holds ({limit:.1} h at {rate} Hz); split it into shorter paragraphs"
    )]
    TooLong {
        path: PathBuf,
        line: usize,
        paragraph: usize,
        hours: f64,
        limit: f64,
        rate: u32,
    },
}

/// Everything that can stop a narrate command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Input(#[from] InputError),
    /// A setting narrate cannot use: from a flag or a variable (bad usage) or narrate.toml.
    #[error(transparent)]
    Setting(#[from] crate::config::Error),
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error("{count} of {total} paragraphs failed; the others were written")]
    Partial { count: usize, total: usize },
    #[error("{path}: {action}: {source}")]
    Output {
        path: PathBuf,
        action: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path}: another narrate is writing this output folder (lock held); wait for it or stop it"
    )]
    Locked { path: PathBuf },
    /// A file narrate would write over exists and narrate has no record of writing it;
    /// `others` more are in the same case. Nothing was written.
    #[error("{}", foreign_message(.path, *.others))]
    Foreign { path: PathBuf, others: usize },
    #[error("interrupted; files already written are complete, nothing is half-written")]
    Interrupted,
    /// `narrate speak` stopped by Ctrl-C.
    #[error("stopped")]
    Stopped,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

fn foreign_message(path: &std::path::Path, others: usize) -> String {
    let path = path.display();
    match others {
        0 => format!(
            "{path}: exists and narrate did not write it; narrate will not replace it: move it \
             away or choose another output folder (-o)"
        ),
        n => format!(
            "{path} and {n} more file{} narrate would write exist and narrate did not write \
             them (`narrate plan` lists them); narrate will not replace them: move them away \
             or choose another output folder (-o)",
            if n == 1 { "" } else { "s" }
        ),
    }
}

impl Error {
    /// The documented exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Input(_) => exit::INPUT,
            Error::Setting(e) if e.is_usage() => exit::USAGE,
            Error::Setting(_) => exit::INPUT,
            Error::Engine(_) => exit::ENGINE,
            Error::Partial { .. } => exit::PARTIAL,
            Error::Output { .. } | Error::Foreign { .. } => exit::OUTPUT,
            Error::Locked { .. } => exit::LOCKED,
            Error::Interrupted | Error::Stopped => exit::INTERRUPTED,
            Error::Other(_) => exit::FAILURE,
        }
    }

    /// An output-folder I/O error.
    pub fn output(path: impl Into<PathBuf>, action: &'static str, source: std::io::Error) -> Error {
        Error::Output {
            path: path.into(),
            action,
            source,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
