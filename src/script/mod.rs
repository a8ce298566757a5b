//! The script: read and checked from disk or standard input with its lexicon ([`load`]),
//! then prepared into what will be spoken ([`prepare`]): titled paragraphs of sentences,
//! each with its speakable text cut into engine-sized pieces. Every command that reads a
//! script goes through here, so `narrate text`, `narrate check` and a run speak the same.

mod load;
mod prepare;

pub use load::{decode, format_of, lexicon, load, not_found, read_bytes};
pub use prepare::{prepare, Paragraph, Sentence};
