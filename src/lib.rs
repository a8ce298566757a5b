//! narrate turns a written essay into a podcast-ready narration.
//!
//! The pipeline: [`text`] parses the script into paragraphs and sentences and rewrites them
//! into speakable text; an [`engine`] speaks each sentence; [`audio`] joins sentences into
//! one WAV per paragraph; [`output`] writes chapter listings and transcripts; [`render`]
//! plans and runs the whole thing. [`run`] is the command-line entry point.

pub mod audio;
pub mod engine;
pub mod output;
pub mod text;
