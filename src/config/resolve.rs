//! The merged layers turned into typed settings, each value checked; an error names where
//! the value came from.

use std::ops::RangeInclusive;
use std::path::PathBuf;
use std::time::Duration;

use super::layer::{Error, Given, Layer, Origin};
use super::{Layout, Master, Publish, Source, Voice, LEXICON_FILE};
use crate::audio::{loudness::Preset, mp3};
use crate::engine::{EngineKind, Noise, Pitch, Rate, VoiceId};

/// The silence of each fade where pieces join; not a setting.
const FADE: Duration = Duration::from_millis(8);
/// The longest pause or silence a layout may have.
const LONGEST_SILENCE: Duration = Duration::from_secs(10);

/// A whole number within `range`, or an error saying `what` the range is.
fn within(given: &Given, range: RangeInclusive<u32>, what: &str) -> Result<u32, Error> {
    let value = given.whole()?;
    match u32::try_from(value) {
        Ok(v) if range.contains(&v) => Ok(v),
        _ => Err(given.invalid(format!(
            "{} {value} is outside {}-{}{what}",
            given.key.name,
            range.start(),
            range.end()
        ))),
    }
}

/// The engine named by a layer, if it names one.
pub(super) fn engine(layer: &Layer) -> Result<Option<EngineKind>, Error> {
    let Some(given) = layer.get("engine") else {
        return Ok(None);
    };
    let name = given.choice()?;
    name.parse()
        .map(Some)
        .map_err(|e: crate::engine::UnknownEngine| given.invalid(e.to_string()))
}

/// How to speak.
pub(super) fn voice(layer: &Layer) -> Result<Voice, Error> {
    let engine = engine(layer)?.unwrap_or(EngineKind::platform_default());
    let voice = match layer.get("voice") {
        Some(given) => {
            let voice = given.text()?;
            if voice.trim().is_empty() {
                return Err(given.invalid("voice is empty".to_owned()));
            }
            voice
        }
        None => engine.default_voice().to_owned(),
    };
    let mut noise = Noise::default();
    for (name, slot) in [("noise-scale", &mut noise.scale), ("noise-w", &mut noise.w)] {
        let Some(given) = layer.get(name) else {
            continue;
        };
        let value = given.decimal()?;
        if !(0.0..=2.0).contains(&value) {
            return Err(given.invalid(format!("{name} {value} is outside 0-2")));
        }
        *slot = Some(value as f32);
    }
    Ok(Voice {
        engine,
        voice: VoiceId(voice),
        rate: Rate(within(layer.value("rate"), 80..=450, " words per minute")?),
        pitch: Pitch(within(layer.value("pitch"), 0..=100, "")?),
        noise,
    })
}

/// The lexicon: the one named, none (`--no-lexicon`), or lexicon.toml beside the script.
pub(super) fn lexicon(layer: &Layer, script: &Source) -> Result<Option<PathBuf>, Error> {
    match layer.get("lexicon") {
        Some(given) => given.path_or_off(),
        None => {
            let beside = script.dir().join(LEXICON_FILE);
            Ok(beside.is_file().then_some(beside))
        }
    }
}

/// Silence around sentences and paragraphs.
pub(super) fn layout(layer: &Layer) -> Result<Layout, Error> {
    let ms = |name: &str| -> Result<Duration, Error> {
        let given = layer.value(name);
        let d = Duration::from_millis(given.whole()?);
        if d > LONGEST_SILENCE {
            return Err(given.invalid(format!(
                "{name} of {} ms is longer than {} s",
                d.as_millis(),
                LONGEST_SILENCE.as_secs()
            )));
        }
        Ok(d)
    };
    Ok(Layout {
        sentence_pause: ms("sentence-pause")?,
        head: ms("head")?,
        tail: ms("tail")?,
        fade: FADE,
    })
}

/// Loudness and the episode; audio::mp3 says which rates an MP3 can have.
pub(super) fn master(layer: &Layer) -> Result<Master, Error> {
    let loudness = layer.value("loudness");
    let loudness: Preset = loudness
        .choice()?
        .parse()
        .map_err(|e: crate::audio::loudness::UnknownPreset| loudness.invalid(e.to_string()))?;
    let rate = layer.value("sample-rate");
    let sample_rate = rate.whole_u32()?;
    mp3::bitrates(sample_rate).map_err(|e| rate.invalid(e.to_string()))?;
    let kbps = layer.value("bitrate");
    let mut bitrate = kbps.whole_u32()?;
    if loudness == Preset::Acx {
        bitrate = acx_format(rate, sample_rate, kbps, bitrate)?;
    }
    mp3::Format::new(sample_rate, bitrate).map_err(|e| kbps.invalid(e.to_string()))?;
    Ok(Master {
        loudness,
        sample_rate,
        bitrate,
        episode: layer.value("episode").switch()?,
        episode_wav: layer.value("episode-wav").switch()?,
    })
}

/// ACX asks for MP3 of 192 kbps or more at 44.1 kHz: the bit rate `--loudness acx` takes
/// when none was given, or the one given when it is enough; a lower one, or another sample
/// rate, is refused naming where it was set.
fn acx_format(rate: &Given, sample_rate: u32, kbps: &Given, bitrate: u32) -> Result<u32, Error> {
    if sample_rate != ACX_SAMPLE_RATE {
        return Err(rate.invalid(format!(
            "ACX (--loudness acx) asks for MP3 at {ACX_SAMPLE_RATE} Hz, not {sample_rate} Hz"
        )));
    }
    match kbps.origin {
        Origin::Default => Ok(ACX_KBPS),
        _ if bitrate < ACX_KBPS => Err(kbps.invalid(format!(
            "ACX (--loudness acx) asks for MP3 of {ACX_KBPS} kbps or more, not {bitrate} kbps"
        ))),
        _ => Ok(bitrate),
    }
}

/// ACX's MP3 sample rate, Hz, and least bit rate, kbps.
pub const ACX_SAMPLE_RATE: u32 = 44_100;
pub const ACX_KBPS: u32 = 192;

/// The read-along switches and the base URL (`SOURCE_DATE_EPOCH` is read apart).
pub(super) fn publish(layer: &Layer) -> Result<Publish, Error> {
    Ok(Publish {
        read_along: layer.value("read-along").switch()?,
        epub: layer.value("epub").switch()?,
        base_url: layer.get("base-url").map(base_url).transpose()?,
        source_date: None,
    })
}

/// A base URL, checked: an http(s) address with a host and no spaces.
fn base_url(given: &Given) -> Result<String, Error> {
    let url = given.text()?;
    let host = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or_default();
    if host.is_empty()
        || host.starts_with('/')
        || url.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(given.invalid(format!(
            "base-url {url:?} is not an http:// or https:// address"
        )));
    }
    Ok(url)
}
