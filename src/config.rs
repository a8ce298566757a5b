//! Validated settings: defaults < narrate.toml < environment < flags.
//!
//! [`crate::cli`] holds raw arguments (environment variables arrive through clap's `env`,
//! so they rank just below flags); this module reads `narrate.toml`, merges, validates and
//! produces the typed [`Settings`] every other module uses.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::audio::loudness::Preset;
use crate::cli::{RenderArgs, ScriptArgs};
use crate::engine::{EngineKind, Noise, Pitch, Rate, VoiceId};
use crate::error::InputError;

/// The script narrate reads when given none.
pub const DEFAULT_SCRIPT: &str = "script/essay.txt";
/// The output folder narrate writes when given none.
pub const DEFAULT_OUTPUT: &str = "output";
/// Settings file looked for beside the script.
pub const CONFIG_FILE: &str = "narrate.toml";
/// Lexicon looked for beside the script.
pub const LEXICON_FILE: &str = "lexicon.toml";

/// `narrate.toml`: every key optional, unknown keys are errors.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FileConfig {
    pub engine: Option<EngineKind>,
    pub voice: Option<String>,
    pub rate: Option<u32>,
    pub pitch: Option<u32>,
    pub noise_scale: Option<f32>,
    pub noise_w: Option<f32>,
    /// Relative to the folder of narrate.toml.
    pub output: Option<PathBuf>,
    /// Relative to the folder of narrate.toml.
    pub lexicon: Option<PathBuf>,
    pub sentence_pause_ms: Option<u64>,
    pub head_ms: Option<u64>,
    pub tail_ms: Option<u64>,
    pub title: Option<String>,
    pub artist: Option<String>,
    pub loudness: Option<Preset>,
    pub sample_rate: Option<u32>,
    pub bitrate: Option<u32>,
    pub episode: Option<bool>,
    pub read_along: Option<bool>,
    pub epub: Option<bool>,
    pub base_url: Option<String>,
}

/// Where the script comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Source {
    File(PathBuf),
    Stdin,
}

impl Source {
    /// Name used in messages.
    pub fn display(&self) -> PathBuf {
        match self {
            Source::File(p) => p.clone(),
            Source::Stdin => PathBuf::from("<stdin>"),
        }
    }

    /// The folder holding the script (the current folder for stdin).
    pub fn dir(&self) -> PathBuf {
        match self {
            Source::File(p) => match p.parent() {
                Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
                _ => PathBuf::from("."),
            },
            Source::Stdin => PathBuf::from("."),
        }
    }
}

/// How to speak: every setting that changes the sound of a sentence.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Voice {
    pub engine: EngineKind,
    pub voice: VoiceId,
    pub rate: Rate,
    pub pitch: Pitch,
    /// Piper's noise scales where set; the engine's fingerprint carries them into the cache key.
    #[serde(flatten)]
    pub noise: Noise,
}

/// Silence and fades around sentences and paragraphs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Layout {
    #[serde(with = "millis")]
    pub sentence_pause: Duration,
    #[serde(with = "millis")]
    pub head: Duration,
    #[serde(with = "millis")]
    pub tail: Duration,
    #[serde(with = "millis")]
    pub fade: Duration,
}

impl Default for Layout {
    fn default() -> Layout {
        Layout {
            sentence_pause: Duration::from_millis(300),
            head: Duration::from_millis(250),
            tail: Duration::from_millis(600),
            fade: Duration::from_millis(8),
        }
    }
}

/// Settings for reading a script.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ScriptSettings {
    pub script: Source,
    /// The lexicon file, if any (an explicit one must exist).
    pub lexicon: Option<PathBuf>,
    pub voice: Voice,
    pub title: Option<String>,
    pub artist: Option<String>,
}

/// The finished product: loudness of every file, and the episode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Master {
    /// Loudness standard every paragraph file (one gain per file) and the episode meet.
    pub loudness: Preset,
    /// Sample rate of the episode files.
    pub sample_rate: u32,
    /// MP3 bit rate, kbps (constant).
    pub bitrate: u32,
    /// Write episode.wav and episode.mp3.
    pub episode: bool,
}

impl Default for Master {
    fn default() -> Master {
        Master {
            loudness: Preset::Podcast,
            sample_rate: 44_100,
            bitrate: 64,
            episode: true,
        }
    }
}

/// The read-along files: kept apart from [`Master`], whose every field goes into the
/// episode's hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Publish {
    /// Write read-along.html.
    pub read_along: bool,
    /// Write narration.epub (with an episode only).
    pub epub: bool,
    /// Base of the links in episode.rss.xml; relative links without it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// `SOURCE_DATE_EPOCH`: the time written where a format asks when the work was last
    /// changed, in place of the script's modification time (reproducible builds).
    #[serde(skip)]
    pub source_date: Option<std::time::SystemTime>,
}

impl Default for Publish {
    fn default() -> Publish {
        Publish {
            read_along: true,
            epub: true,
            base_url: None,
            source_date: None,
        }
    }
}

/// Settings for a render.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Settings {
    #[serde(flatten)]
    pub script: ScriptSettings,
    pub output: PathBuf,
    pub layout: Layout,
    pub master: Master,
    pub publish: Publish,
}

/// The read-along switches and the base URL, from flags and narrate.toml.
fn publish(args: &RenderArgs, file: &FileConfig, script: &Source) -> Result<Publish, InputError> {
    let config = args
        .script
        .config
        .clone()
        .unwrap_or_else(|| script.dir().join(CONFIG_FILE));
    Ok(Publish {
        read_along: !args.no_read_along && file.read_along.unwrap_or(true),
        epub: !args.no_epub && file.epub.unwrap_or(true),
        base_url: base_url(args, file, config)?,
        source_date: source_date(std::env::var_os(SOURCE_DATE_EPOCH))?,
    })
}

/// The variable of <https://reproducible-builds.org/specs/source-date-epoch/>.
const SOURCE_DATE_EPOCH: &str = "SOURCE_DATE_EPOCH";

/// `SOURCE_DATE_EPOCH`, checked: whole seconds since 1970, as the specification says.
fn source_date(
    value: Option<std::ffi::OsString>,
) -> Result<Option<std::time::SystemTime>, InputError> {
    let Some(value) = value else { return Ok(None) };
    let seconds = value
        .to_str()
        .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|&s| s < 253_402_300_800) // before the year 10000
        .ok_or_else(|| {
            invalid(
                Path::new(SOURCE_DATE_EPOCH),
                format!("{value:?} is not a number of seconds since 1970-01-01"),
            )
        })?;
    Ok(Some(
        std::time::UNIX_EPOCH + std::time::Duration::from_secs(seconds),
    ))
}

/// `--base-url` or `base-url`, checked: an http(s) address with a host and no spaces.
fn base_url(
    args: &RenderArgs,
    file: &FileConfig,
    config: PathBuf,
) -> Result<Option<String>, InputError> {
    let (url, origin) = match (&args.base_url, &file.base_url) {
        (Some(u), _) => (u, PathBuf::from("--base-url")),
        (None, Some(u)) => (u, config),
        (None, None) => return Ok(None),
    };
    let host = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or_default();
    if host.is_empty()
        || host.starts_with('/')
        || url.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(invalid(
            &origin,
            format!("base-url {url:?} is not an http:// or https:// address"),
        ));
    }
    Ok(Some(url.clone()))
}

mod millis {
    use std::time::Duration;
    pub fn serialize<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(d.as_millis() as u64)
    }
}

/// Reads narrate.toml (explicit, or beside the script if present).
fn load_file_config(
    args: &ScriptArgs,
    script: &Source,
) -> Result<(FileConfig, PathBuf), InputError> {
    let (path, explicit) = match &args.config {
        Some(p) => (p.clone(), true),
        None => (script.dir().join(CONFIG_FILE), false),
    };
    let base = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => {
            return Ok((FileConfig::default(), base));
        }
        Err(e) => {
            return Err(InputError::Config {
                path,
                message: format!("cannot read: {e}"),
            })
        }
    };
    let config: FileConfig = toml::from_str(&text).map_err(|e| {
        let line = e.span().map(|s| {
            1 + text.as_bytes()[..s.start.min(text.len())]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
        });
        InputError::Config {
            path: path.clone(),
            message: match line {
                Some(l) => format!("line {l}: {}", e.message()),
                None => e.message().to_owned(),
            },
        }
    })?;
    Ok((config, base))
}

fn invalid(path: &Path, message: String) -> InputError {
    InputError::Config {
        path: path.to_path_buf(),
        message,
    }
}

/// Merges defaults, narrate.toml and arguments into script settings.
pub fn script_settings(
    args: &ScriptArgs,
) -> Result<(ScriptSettings, FileConfig, PathBuf), InputError> {
    let script = match &args.script {
        Some(p) if p.as_os_str() == "-" => Source::Stdin,
        Some(p) => Source::File(p.clone()),
        None => Source::File(PathBuf::from(DEFAULT_SCRIPT)),
    };
    let (file, base) = load_file_config(args, &script)?;
    let origin = args
        .config
        .clone()
        .unwrap_or_else(|| script.dir().join(CONFIG_FILE));

    let rate = args.rate.or(file.rate).unwrap_or(175);
    if !(80..=450).contains(&rate) {
        return Err(invalid(
            &origin,
            format!("rate {rate} is outside 80-450 words per minute"),
        ));
    }
    let pitch = args.pitch.or(file.pitch).unwrap_or(50);
    if pitch > 100 {
        return Err(invalid(&origin, format!("pitch {pitch} is outside 0-100")));
    }
    let noise = Noise {
        scale: args.noise_scale.or(file.noise_scale),
        w: args.noise_w.or(file.noise_w),
    };
    for (name, value) in [("noise-scale", noise.scale), ("noise-w", noise.w)] {
        if value.is_some_and(|v| !(0.0..=2.0).contains(&v)) {
            let value = value.unwrap_or_default();
            return Err(invalid(&origin, format!("{name} {value} is outside 0-2")));
        }
    }
    let engine = args
        .engine
        .or(file.engine)
        .unwrap_or(EngineKind::platform_default());
    let voice = args
        .voice
        .clone()
        .or_else(|| file.voice.clone())
        .unwrap_or_else(|| engine.default_voice().to_owned());
    if voice.trim().is_empty() {
        return Err(invalid(&origin, "voice is empty".to_owned()));
    }

    let lexicon = if args.no_lexicon {
        None
    } else if let Some(p) = &args.lexicon {
        Some(p.clone())
    } else if let Some(p) = &file.lexicon {
        Some(base.join(p))
    } else {
        let beside = script.dir().join(LEXICON_FILE);
        beside.is_file().then_some(beside)
    };

    let settings = ScriptSettings {
        script,
        lexicon,
        voice: Voice {
            engine,
            voice: VoiceId(voice),
            rate: Rate(rate),
            pitch: Pitch(pitch),
            noise,
        },
        title: file.title.clone(),
        artist: file.artist.clone(),
    };
    Ok((settings, file, base))
}

/// Merges defaults, narrate.toml and arguments into render settings.
pub fn settings(args: &RenderArgs) -> Result<Settings, InputError> {
    let (script, file, base) = script_settings(&args.script)?;
    let defaults = Layout::default();
    let ms = |flag: Option<u64>, file: Option<u64>, default: Duration| {
        flag.or(file).map(Duration::from_millis).unwrap_or(default)
    };
    let layout = Layout {
        sentence_pause: ms(
            args.sentence_pause,
            file.sentence_pause_ms,
            defaults.sentence_pause,
        ),
        head: ms(args.head, file.head_ms, defaults.head),
        tail: ms(args.tail, file.tail_ms, defaults.tail),
        fade: defaults.fade,
    };
    for (name, d) in [
        ("sentence pause", layout.sentence_pause),
        ("head", layout.head),
        ("tail", layout.tail),
    ] {
        if d > Duration::from_secs(10) {
            return Err(InputError::Config {
                path: script.script.display(),
                message: format!("{name} of {} ms is longer than 10 s", d.as_millis()),
            });
        }
    }
    let output = match (&args.output, &file.output) {
        (Some(o), _) => o.clone(),
        (None, Some(o)) => base.join(o),
        (None, None) => PathBuf::from(DEFAULT_OUTPUT),
    };
    let defaults = Master::default();
    let master = Master {
        loudness: args.loudness.or(file.loudness).unwrap_or(defaults.loudness),
        sample_rate: args
            .sample_rate
            .or(file.sample_rate)
            .unwrap_or(defaults.sample_rate),
        bitrate: args.bitrate.or(file.bitrate).unwrap_or(defaults.bitrate),
        episode: if args.no_episode {
            false
        } else {
            file.episode.unwrap_or(defaults.episode)
        },
    };
    const MP3_RATES: [u32; 6] = [22_050, 24_000, 32_000, 44_100, 48_000, 16_000];
    if !MP3_RATES.contains(&master.sample_rate) {
        return Err(InputError::Config {
            path: script.script.display(),
            message: format!(
                "sample rate {} Hz is not one an MP3 can have (16000, 22050, 24000, 32000, 44100, 48000)",
                master.sample_rate
            ),
        });
    }
    const BITRATES: [u32; 9] = [32, 40, 48, 64, 80, 96, 112, 128, 160];
    if !BITRATES.contains(&master.bitrate) {
        return Err(InputError::Config {
            path: script.script.display(),
            message: format!(
                "bit rate {} kbps is not one of {BITRATES:?}",
                master.bitrate
            ),
        });
    }
    let publish = publish(args, &file, &script.script)?;
    Ok(Settings {
        script,
        output,
        layout,
        master,
        publish,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_date_epoch_is_whole_seconds_or_an_error_naming_it() {
        let at = |s: &str| source_date(Some(s.into()));
        assert_eq!(at("0").expect("0 is a date"), Some(std::time::UNIX_EPOCH));
        assert_eq!(
            at("1717243200").expect("whole seconds are a date"),
            Some(std::time::UNIX_EPOCH + Duration::from_secs(1_717_243_200))
        );
        assert_eq!(source_date(None).expect("unset is no date"), None);
        for bad in [
            "",
            "-1",
            "1.5",
            " 12",
            "1e9",
            "99999999999999999999",
            "253402300800",
        ] {
            let e = at(bad).expect_err(bad).to_string();
            assert!(e.starts_with("SOURCE_DATE_EPOCH: "), "{e}");
        }
    }
}
