//! What `narrate plan` says a run would do with the listings and the episode, checked
//! against what the run then does.

use std::path::Path;

use super::{run_with, settings, Fake, SCRIPT};
use crate::config::Settings;
use crate::render::foresee::{foresee, Episode, Foresight, Listings};
use crate::render::{credits, Session};
use crate::text::normalize::Lexicon;
use crate::text::{parse::parse, Format};

fn foresight(settings: &Settings, script: &str) -> Foresight {
    let doc = parse(script, Format::Plain);
    let credits = credits(settings, &doc).expect("credits");
    let mut engine = Fake::default();
    let prepared = Session::new(settings, &mut engine).plan(&doc, &Lexicon::default(), &credits);
    foresee(settings, &credits, &prepared)
}

fn listings(out: &Path) -> Vec<&'static str> {
    let all: Vec<&'static str> = crate::output::all().iter().map(|l| l.file_name()).collect();
    assert!(all.iter().all(|name| out.join(name).is_file()));
    all
}

#[test]
fn plan_foresees_what_a_run_does_with_the_listings_and_the_episode() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path();
    let settings = settings(out);
    let lexicon = Lexicon::default();
    let nothing_yet = foresight(&settings, SCRIPT);
    assert_eq!(
        nothing_yet,
        Foresight {
            listings: Listings::All,
            episode: Episode::Write,
        }
    );
    run_with(&settings, SCRIPT, &mut Fake::default(), &lexicon).expect("render");
    let all = listings(out);
    assert_eq!(
        foresight(&settings, SCRIPT),
        Foresight {
            listings: Listings::Some(Vec::new()),
            episode: Episode::Keep,
        }
    );
    // A listing that is gone, or not the one written, is written again; no other.
    std::fs::remove_file(out.join(all[0])).expect("remove");
    std::fs::write(out.join(all[2]), "changed").expect("change");
    let seen = foresight(&settings, SCRIPT);
    assert_eq!(seen.listings, Listings::Some(vec![all[0], all[2]]));
    assert_eq!(seen.episode, Episode::Keep);
    // An edited paragraph: every listing and the episode.
    let edited = SCRIPT.replace("is short.", "is rather short.");
    assert_eq!(
        foresight(&settings, &edited),
        Foresight {
            listings: Listings::All,
            episode: Episode::Write,
        }
    );
    // A paragraph gone: the same, though every paragraph left is kept.
    let shorter: String = SCRIPT.lines().take(2).map(|l| format!("{l}\n")).collect();
    assert_eq!(foresight(&settings, &shorter).listings, Listings::All);
    // Another title: the episode's tag and the listings that show it.
    let mut titled = settings.clone();
    titled.credits.title = Some("Another Title".into());
    let seen = foresight(&titled, SCRIPT);
    assert_eq!(seen.episode, Episode::Write);
    let titled_ones = [
        "chapters.txt",
        "playlist.m3u8",
        "chapters.json",
        "chapters.cue",
        "chapters.ffmetadata",
    ];
    assert_eq!(seen.listings, Listings::Some(titled_ones.to_vec()));
    // No episode asked for.
    let mut off = settings.clone();
    off.master.episode = false;
    assert_eq!(foresight(&off, SCRIPT).episode, Episode::Off);
}
