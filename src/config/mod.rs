//! Validated settings: defaults < narrate.toml < environment < flags.
//!
//! [`crate::cli`] holds raw arguments (environment variables arrive through clap's `env`,
//! so they rank just below flags); this module reads `narrate.toml`, merges, validates and
//! produces the typed [`Settings`] every other module uses.

//! Validated settings: defaults < narrate.toml < environment < flags.
//!
//! Every setting is declared once, in [`keys::KEYS`]: its name is the narrate.toml key and
//! the flag, its environment variable is `NARRATE_` and the name. Each source gives a
//! [`Layer`] of values that remember their [`Origin`]; [`settings`] puts the layers over one
//! another in that one order and checks the result into the typed [`Settings`] every other
//! module uses, so an error names the flag, the variable, or the file and line to fix.
//! cli.rs fills an [`Invocation`] from clap; nothing here knows clap.

mod credits;
mod dump;
mod file;
pub mod keys;
mod layer;
mod resolve;
#[cfg(test)]
mod tests;

use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;

pub use credits::{front_matter, Cover, Credits, Date};
pub use dump::dump;
pub use keys::{Key, KEYS};
pub use layer::{Error, Given, Layer, Origin, Value};
pub use resolve::{ACX_KBPS, ACX_SAMPLE_RATE};

use crate::audio::loudness::Preset;
use crate::engine::{EngineKind, Noise, Pitch, Rate, VoiceId};

/// The script narrate reads when given none.
pub const DEFAULT_SCRIPT: &str = "script/essay.txt";
/// The output folder narrate writes when given none.
pub const DEFAULT_OUTPUT: &str = "output";
/// Settings file looked for beside the script.
pub const CONFIG_FILE: &str = "narrate.toml";
/// Lexicon looked for beside the script.
pub const LEXICON_FILE: &str = "lexicon.toml";

/// What the command line gave: the script, the settings file, and the values of flags and
/// of environment variables, as two layers.
#[derive(Debug, Clone, Default)]
pub struct Invocation {
    /// The script; `-` is standard input. Default: [`DEFAULT_SCRIPT`].
    pub script: Option<PathBuf>,
    /// `--config`: a settings file that must exist, in place of narrate.toml beside the script.
    pub config: Option<PathBuf>,
    pub env: Layer,
    pub flags: Layer,
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
    /// The defaults of [`KEYS`].
    fn default() -> Layout {
        resolve::layout(&Layer::defaults()).expect("the defaults are valid (tested)")
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
    /// Write the episode (episode.mp3).
    pub episode: bool,
    /// Write episode.wav beside it.
    pub episode_wav: bool,
}

impl Default for Master {
    /// The defaults of [`KEYS`].
    fn default() -> Master {
        resolve::master(&Layer::defaults()).expect("the defaults are valid (tested)")
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
    /// The defaults of [`KEYS`], without `SOURCE_DATE_EPOCH`.
    fn default() -> Publish {
        resolve::publish(&Layer::defaults()).expect("the defaults are valid (tested)")
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
    /// The episode's metadata from narrate.toml, the environment and flags; the script's
    /// front matter fills what they leave unset ([`front_matter`]).
    #[serde(flatten)]
    pub credits: Credits,
}

/// The layers of one invocation, lowest first.
#[derive(Debug, Clone)]
struct Sources {
    script: Source,
    defaults: Layer,
    file: Layer,
    env: Layer,
    flags: Layer,
}

impl Sources {
    /// Reads narrate.toml (`--config`'s, or the one beside the script if there is one).
    fn read(invocation: &Invocation) -> Result<Sources, Error> {
        let script = match &invocation.script {
            Some(p) if p.as_os_str() == "-" => Source::Stdin,
            Some(p) => Source::File(p.clone()),
            None => Source::File(PathBuf::from(DEFAULT_SCRIPT)),
        };
        let file = match &invocation.config {
            Some(path) => file::read(path, true)?,
            None => file::read(&script.dir().join(CONFIG_FILE), false)?,
        };
        Ok(Sources {
            script,
            defaults: Layer::defaults(),
            file,
            env: invocation.env.clone(),
            flags: invocation.flags.clone(),
        })
    }

    /// The one precedence rule: defaults < narrate.toml < environment < flags. Every
    /// value is checked, the ones a higher layer hides too.
    fn merged(&self) -> Result<Layer, Error> {
        let layers = [&self.defaults, &self.file, &self.env, &self.flags];
        let mut merged = Layer::default();
        for layer in layers {
            layer.check()?;
            merged = merged.under(layer);
        }
        Ok(merged)
    }

    /// The settings for a render, but for `SOURCE_DATE_EPOCH`.
    fn settings(self) -> Result<Settings, Error> {
        let merged = self.merged()?;
        Ok(Settings {
            output: merged.value("output").path()?,
            layout: resolve::layout(&merged)?,
            master: resolve::master(&merged)?,
            publish: resolve::publish(&merged)?,
            credits: credits::resolve(&merged)?,
            script: script_from(&merged, self.script)?,
        })
    }
}

/// The script settings from `layer`.
fn script_from(layer: &Layer, script: Source) -> Result<ScriptSettings, Error> {
    Ok(ScriptSettings {
        lexicon: resolve::lexicon(layer, &script)?,
        voice: resolve::voice(layer)?,
        script,
    })
}

/// The settings for reading a script (`narrate text`, `check`, `speak`).
pub fn script_settings(invocation: &Invocation) -> Result<ScriptSettings, Error> {
    let sources = Sources::read(invocation)?;
    script_from(&sources.merged()?, sources.script)
}

/// The settings for a render.
pub fn settings(invocation: &Invocation) -> Result<Settings, Error> {
    let mut settings = Sources::read(invocation)?.settings()?;
    settings.publish.source_date = source_date(std::env::var_os(SOURCE_DATE_EPOCH))?;
    Ok(settings)
}

/// The engine the environment and the flags name, if they name one (`narrate voices`,
/// which reads no narrate.toml).
pub fn engine(env: &Layer, flags: &Layer) -> Result<Option<EngineKind>, Error> {
    env.check()?;
    flags.check()?;
    resolve::engine(&env.clone().under(flags))
}

/// The variable of <https://reproducible-builds.org/specs/source-date-epoch/>.
const SOURCE_DATE_EPOCH: &str = "SOURCE_DATE_EPOCH";

/// `SOURCE_DATE_EPOCH`, checked: whole seconds since 1970, as the specification says.
fn source_date(value: Option<std::ffi::OsString>) -> Result<Option<std::time::SystemTime>, Error> {
    let Some(value) = value else { return Ok(None) };
    let seconds = value
        .to_str()
        .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|&s| s < 253_402_300_800) // before the year 10000
        .ok_or_else(|| Error::Value {
            origin: Origin::Env(SOURCE_DATE_EPOCH),
            message: format!("{value:?} is not a number of seconds since 1970-01-01"),
        })?;
    Ok(Some(std::time::UNIX_EPOCH + Duration::from_secs(seconds)))
}

mod millis {
    use std::time::Duration;
    pub fn serialize<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(d.as_millis() as u64)
    }
}
