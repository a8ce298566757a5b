//! `--dump-config`: the merged settings as a narrate.toml that gives them back.
//!
//! Every key is written with the value narrate will use, in the table's order; paths are
//! absolute, so the file means the same wherever it is saved; a lexicon switched off is
//! `lexicon = false`. Keys left to the engine (Piper's noise) or unset (title, artist, the
//! other metadata, base-url) are left out, so that they stay unset.

use std::path::Path;

use super::keys::KEYS;
use super::Settings;

/// A path as written in the dump: absolute (relative to the current folder).
fn absolute(path: &Path) -> toml::Value {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    toml::Value::String(path.to_string_lossy().into_owned())
}

/// A Piper noise value written as its shortest decimal (0.667, not 0.66699999570846558).
fn decimal(value: f32) -> toml::Value {
    toml::Value::Float(value.to_string().parse().unwrap_or(f64::from(value)))
}

fn millis(d: std::time::Duration) -> toml::Value {
    toml::Value::Integer(i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// The value of key `name` in `settings`, `None` when it is unset.
fn value(name: &str, settings: &Settings) -> Option<toml::Value> {
    use toml::Value::{Boolean, Integer, String as Text};
    let script = &settings.script;
    let voice = &script.voice;
    let credits = &settings.credits;
    let text = |s: &Option<String>| s.clone().map(Text);
    Some(match name {
        "lexicon" => script.lexicon.as_deref().map_or(Boolean(false), absolute),
        "engine" => Text(voice.engine.name().to_owned()),
        "voice" => Text(voice.voice.0.clone()),
        "rate" => Integer(voice.rate.0.into()),
        "pitch" => Integer(voice.pitch.0.into()),
        "noise-scale" => decimal(voice.noise.scale?),
        "noise-w" => decimal(voice.noise.w?),
        "title" => text(&credits.title)?,
        "artist" => text(&credits.artist)?,
        "album" => text(&credits.album)?,
        "date" => Text(credits.date?.to_string()),
        "genre" => text(&credits.genre)?,
        "description" => text(&credits.description)?,
        "cover" => absolute(&credits.cover.as_ref()?.path),
        "track" => Integer(credits.track?.into()),
        "output" => absolute(&settings.output),
        "sentence-pause" => millis(settings.layout.sentence_pause),
        "head" => millis(settings.layout.head),
        "tail" => millis(settings.layout.tail),
        "loudness" => Text(settings.master.loudness.name().to_owned()),
        "sample-rate" => Integer(settings.master.sample_rate.into()),
        "bitrate" => Integer(settings.master.bitrate.into()),
        "episode" => Boolean(settings.master.episode),
        "episode-wav" => Boolean(settings.master.episode_wav),
        "read-along" => Boolean(settings.publish.read_along),
        "epub" => Boolean(settings.publish.epub),
        "base-url" => text(&settings.publish.base_url)?,
        _ => return None,
    })
}

/// `settings` as narrate.toml text.
pub fn dump(settings: &Settings) -> String {
    let mut out = format!(
        "# The settings narrate uses for {} (defaults < narrate.toml < environment < flags),\n\
         # as a narrate.toml: save it beside the script or name it with --config.\n",
        settings.script.script.display().display()
    );
    for key in KEYS {
        if let Some(value) = value(key.name, settings) {
            out.push_str(&format!("{} = {value}\n", key.name));
        }
    }
    out
}
