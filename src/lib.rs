//! narrate turns a written essay into a podcast-ready narration.
//!
//! The pipeline: [`text`] parses the script into paragraphs and sentences and rewrites them
//! into speakable text; an [`engine`] speaks each sentence; [`audio`] joins sentences into
//! one WAV per paragraph; [`output`] formats chapter listings and transcripts; [`render`]
//! plans and runs the whole thing, incrementally. [`check`] lists the words the engine is
//! likely to read wrong, before any audio is made. [`run`] is the command-line entry point.

pub mod audio;
pub mod check;
pub mod checkpoint;
pub mod cli;
pub mod commands;
pub mod config;
pub mod engine;
pub mod error;
#[cfg(feature = "live")]
pub mod live;
pub mod man;
pub mod output;
pub mod render;
pub mod script;
pub mod staged;
pub mod text;

pub use commands::run;
pub use error::{Error, Result};
