//! Planning and running a narration, incrementally.
//!
//! A [`Session`] holds the settings and the engine. Its `plan` (pure rules in [`plan`])
//! decides what must be done; its `run` does it: [`speak`] asks the engine for missing
//! sentences (into the [`cache`]) and assembles each paragraph, [`finish`] normalizes it and
//! hands it to its sinks (the paragraph file, the [`episode`]), then the run removes files of
//! paragraphs that are gone and writes the [`manifest`], the [`listings`] derived from it and
//! the read-along files ([`publish`]). [`store`] owns the output folder: its lock, atomic
//! writes and the journal ([`ledger`]) of what narrate placed there. The run reports through
//! [`Events`] and prints nothing.

pub mod acx;
pub mod cache;
mod closing;
pub mod episode;
mod events;
mod finish;
pub mod foresee;
pub mod ledger;
mod listings;
pub mod manifest;
pub mod plan;
mod publish;
mod segments;
mod session;
mod speak;
pub mod stamp;
pub mod store;

pub use events::{Events, Silent, Summary};
pub use session::{credits, Prepared, Session};

#[cfg(test)]
mod tests;
