//! What a run would do with the files made from the whole program, the listings and the
//! episode, for `narrate plan`; reading the output folder, writing nothing.
//!
//! The episode's answer is exact: a run keeps it when the hash of what goes into it matches
//! the last run's and its files are intact ([`episode::reusable`]), as here. The listings'
//! is exact when every paragraph is kept: they are rendered from the last run's manifest
//! with this run's credits and compared with the files. When a paragraph changes, its
//! times and text reach the listings, so all are to be written.

use super::episode;
use super::plan::Action;
use super::session::{episode_hash, Prepared};
use crate::config::{Credits, Settings};
use crate::output;

/// What a run would do with the listings and the episode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Foresight {
    pub listings: Listings,
    pub episode: Episode,
}

/// The listings a run would write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Listings {
    /// Paragraphs are written or removed: every listing follows.
    All,
    /// Only these, whose bytes would change (or that are missing); none: all unchanged.
    Some(Vec<&'static str>),
}

/// What a run would do with the episode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Episode {
    /// None is made (`--no-episode`, or nothing to narrate).
    Off,
    /// The last run's is still right.
    Keep,
    /// Written from the paragraphs (none yet, or they, their titles or the settings changed).
    Write,
}

/// What a run of `prepared`, credited with `credits` (see [`super::credits`]), would do
/// with the listings and the episode.
pub fn foresee(settings: &Settings, credits: &Credits, prepared: &Prepared) -> Foresight {
    let plan = &prepared.plan;
    let out = &settings.output;
    let episode = match episode_hash(settings, plan, credits) {
        None => Episode::Off,
        Some(hash) => match episode::reusable(out, &prepared.previous, &hash) {
            Some(_) => Episode::Keep,
            None => Episode::Write,
        },
    };
    let kept = plan.remove.is_empty() && plan.steps.iter().all(|s| s.action == Action::Keep);
    let listings = match prepared.previous.good() {
        Some(last) if kept => {
            let mut manifest = last.clone();
            manifest.title = credits.title.clone().unwrap_or_default();
            let program = manifest.program(credits);
            let changed = output::all()
                .iter()
                .filter(|l| {
                    let text = l.render(&program);
                    std::fs::read(out.join(l.file_name()))
                        .map_or(true, |old| old != text.as_bytes())
                })
                .map(|l| l.file_name())
                .collect();
            Listings::Some(changed)
        }
        _ => Listings::All,
    };
    Foresight { listings, episode }
}
