//! Planning and running a narration.
//!
//! [`script`] prepares what will be spoken, [`plan`] decides what must be done (pure),
//! [`run`] does it, on two threads (`speak`, `finish`): it speaks missing sentences into the
//! [`cache`], assembles and normalizes paragraph files, streams the [`episode`], removes files of paragraphs that are gone, and writes the [`manifest`] and the
//! listings derived from it, then the read-along files ([`publish`]). [`store`] owns the output folder's lock and atomic writes.

pub mod cache;
pub mod episode;
mod finish;
pub mod ledger;
pub mod manifest;
pub mod plan;
mod publish;
pub mod run;
pub mod script;
mod speak;
pub mod stamp;
pub mod store;

pub use run::{render, Summary};

#[cfg(test)]
mod tests;
