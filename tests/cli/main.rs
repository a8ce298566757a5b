//! End-to-end tests of the `narrate` binary with the real espeak-ng.
//!
//! One binary, one module per concern. The sample essay is narrated once into a shared
//! folder for the read-only checks; tests that change things use their own folders.

mod acx;
mod bad_input;
mod captions;
mod check;
mod commands;
mod common;
mod incremental;
mod lexicon;
mod live;
mod metadata;
mod piper;
mod podcast;
mod publish;
mod readalong;
mod sample;
mod sections;
mod segments;
mod settings;
mod trust;
mod watch;
