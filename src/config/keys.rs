//! Every setting, declared once: its name (the narrate.toml key and the flag `--NAME`), its
//! environment variable, what it takes, its help and its default.
//!
//! cli.rs builds the flags from this table and narrate.toml is read against it, so a
//! setting cannot be spelled two ways. A boolean key that is on by default (`episode`) is
//! switched off by the flag `--no-NAME` and by `NAME = false`; `lexicon` takes both a file
//! and `--no-lexicon` (`lexicon = false`).

use crate::audio::loudness::Preset;
use crate::engine::EngineKind;

/// What a key takes.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// A whole number (`rate = 175`, `--rate 175`).
    Whole,
    /// A number with or without a fraction (`noise-w = 0.5`).
    Decimal,
    /// Text (`voice = "en-gb"`).
    Text,
    /// A file or folder; in narrate.toml relative to the file's folder.
    Path,
    /// A file, or `false` for none (`lexicon`).
    PathOrOff,
    /// `true` or `false`.
    Switch,
    /// One of a list of names, each with a line saying what it is.
    Choice(fn() -> Vec<(&'static str, &'static str)>),
}

/// Which commands take a key as a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// Every command that reads a script (`narrate`, `plan`, `watch`, `text`, `check`, `speak`).
    Script,
    /// The commands that narrate (`narrate`, `plan`, `watch`).
    Render,
}

/// What a key is when no source gives it.
#[derive(Debug, Clone, Copy)]
pub enum Fallback {
    /// This value, as a flag would give it: the lowest layer holds it.
    Value(&'static str),
    /// No value: what narrate does instead, for the help.
    Means(&'static str),
}

/// The flag `--no-NAME`, which switches a key off.
#[derive(Debug, Clone, Copy)]
pub struct Off {
    /// `no-` and the key's name.
    pub flag: &'static str,
    pub help: &'static str,
}

/// One setting.
#[derive(Debug)]
pub struct Key {
    /// The narrate.toml key; the flag is `--NAME` (or only `--no-NAME`, see [`Key::value_flag`]).
    pub name: &'static str,
    pub kind: Kind,
    pub group: Group,
    /// What it sets: the help of `--NAME`, to which the default is added.
    pub about: &'static str,
    /// The flag's value in `--help` (`--rate <RATE>`).
    pub value_name: &'static str,
    pub fallback: Fallback,
    /// Whether `--NAME VALUE` exists (a switch has only `--no-NAME`; some keys are only
    /// narrate.toml's).
    pub value_flag: bool,
    /// Whether the flag `--NAME` alone switches the key on (a switch off by default).
    pub on_flag: bool,
    pub off: Option<Off>,
    pub short: Option<char>,
    /// `NARRATE_` and the name in capitals, for the keys a variable may set.
    pub env: Option<&'static str>,
    /// Earlier narrate.toml spellings, still read.
    pub aliases: &'static [&'static str],
}

impl Key {
    /// `--help`'s text for `--NAME`: what it sets and its default.
    pub fn help(&self) -> String {
        match self.fallback {
            Fallback::Value(value) => format!("{}. Default: {value}", self.about),
            Fallback::Means(means) => format!("{}. Default: {means}", self.about),
        }
    }
}

/// The key named `name` in narrate.toml (its name or an earlier spelling).
pub fn find(name: &str) -> Option<&'static Key> {
    KEYS.iter()
        .find(|k| k.name == name || k.aliases.contains(&name))
}

fn engines() -> Vec<(&'static str, &'static str)> {
    EngineKind::ALL.map(|k| (k.name(), k.about())).to_vec()
}

fn presets() -> Vec<(&'static str, &'static str)> {
    Preset::ALL.map(|p| (p.name(), p.about())).to_vec()
}

/// A key with a value flag and nothing else special; the table fills in the rest.
const fn key(
    name: &'static str,
    kind: Kind,
    group: Group,
    about: &'static str,
    value_name: &'static str,
    fallback: Fallback,
) -> Key {
    Key {
        name,
        kind,
        group,
        about,
        value_name,
        fallback,
        value_flag: true,
        on_flag: false,
        off: None,
        short: None,
        env: None,
        aliases: &[],
    }
}

/// A boolean key of the render commands with no `--NAME VALUE` flag, `default` unless set.
const fn boolean(name: &'static str, about: &'static str, default: &'static str) -> Key {
    let fallback = Fallback::Value(default);
    Key {
        value_flag: false,
        ..key(name, Kind::Switch, Group::Render, about, "", fallback)
    }
}

/// A boolean key, off by default, switched on by `--NAME`.
const fn opt_in(name: &'static str, about: &'static str) -> Key {
    Key {
        on_flag: true,
        ..boolean(name, about, "false")
    }
}

/// A boolean key, on by default, switched off by `--no-NAME`.
const fn switch(
    name: &'static str,
    flag: &'static str,
    about: &'static str,
    help: &'static str,
) -> Key {
    Key {
        off: Some(Off { flag, help }),
        ..boolean(name, about, "true")
    }
}

/// A key of the episode's metadata (config::credits): a flag and a narrate.toml key, below
/// which the script's front matter gives it.
const fn credit(
    name: &'static str,
    kind: Kind,
    about: &'static str,
    value_name: &'static str,
    means: &'static str,
) -> Key {
    key(
        name,
        kind,
        Group::Render,
        about,
        value_name,
        Fallback::Means(means),
    )
}

use Fallback::{Means, Value};
use Group::{Render, Script};

/// Every setting, in the order `--help` and `--dump-config` list them.
pub const KEYS: &[Key] = &[
    Key {
        off: Some(Off {
            flag: "no-lexicon",
            help: "Ignore lexicon.toml beside the script",
        }),
        env: Some("NARRATE_LEXICON"),
        ..key(
            "lexicon",
            Kind::PathOrOff,
            Script,
            "Pronunciation lexicon",
            "FILE",
            Means("lexicon.toml beside the script, if there is one"),
        )
    },
    Key {
        env: Some("NARRATE_ENGINE"),
        ..key(
            "engine",
            Kind::Choice(engines),
            Script,
            "Speech engine",
            "ENGINE",
            Value(EngineKind::platform_default().name()),
        )
    },
    Key {
        env: Some("NARRATE_VOICE"),
        ..key(
            "voice",
            Kind::Text,
            Script,
            "Voice, as `narrate voices` lists it",
            "VOICE",
            Means("en-us (Piper: en_US-joe-medium)"),
        )
    },
    Key {
        env: Some("NARRATE_RATE"),
        ..key(
            "rate",
            Kind::Whole,
            Script,
            "Speaking rate in words per minute (80-450)",
            "RATE",
            Value("175"),
        )
    },
    Key {
        env: Some("NARRATE_PITCH"),
        ..key(
            "pitch",
            Kind::Whole,
            Script,
            "Base pitch, 0-100",
            "PITCH",
            Value("50"),
        )
    },
    key(
        "noise-scale",
        Kind::Decimal,
        Script,
        "Piper: how much the voice varies, 0-2 (0 with --noise-w 0: the same sentence always \
         sounds the same)",
        "SCALE",
        Means("the voice's own (0.667 for most)"),
    ),
    key(
        "noise-w",
        Kind::Decimal,
        Script,
        "Piper: how much phoneme lengths vary, 0-2",
        "SCALE",
        Means("the voice's own (0.8 for most)"),
    ),
    credit(
        "title",
        Kind::Text,
        "The episode's title, in its tags and every listing",
        "TITLE",
        "front matter's title, else the script's name",
    ),
    credit(
        "artist",
        Kind::Text,
        "Who is credited: the episode's artist and author",
        "NAME",
        "front matter's author, else none",
    ),
    credit(
        "album",
        Kind::Text,
        "The show the episode belongs to (ID3 album, the feed's channel)",
        "SHOW",
        "front matter's album, else none",
    ),
    credit(
        "date",
        Kind::Text,
        "Publication date, YYYY-MM-DD or YYYY (ID3, CUE, the feed's pubDate, the EPUB)",
        "DATE",
        "front matter's date, else none",
    ),
    credit(
        "genre",
        Kind::Text,
        "Genre (ID3, CUE, ffmetadata)",
        "GENRE",
        "front matter's genre, else none",
    ),
    credit(
        "description",
        Kind::Text,
        "What the episode is about (ID3 comment, the feed, the read-along page)",
        "TEXT",
        "front matter's description, else none (the feed: the first paragraph)",
    ),
    credit(
        "cover",
        Kind::Path,
        "Cover image, a square JPEG or PNG (ID3 picture, the EPUB's cover)",
        "FILE",
        "front matter's cover, else none",
    ),
    credit(
        "track",
        Kind::Whole,
        "The episode's number in its show (ID3 track, itunes:episode)",
        "NUMBER",
        "front matter's track, else none",
    ),
    Key {
        short: Some('o'),
        env: Some("NARRATE_OUTPUT"),
        ..key(
            "output",
            Kind::Path,
            Render,
            "Output folder",
            "DIR",
            Value(super::DEFAULT_OUTPUT),
        )
    },
    Key {
        aliases: &["sentence-pause-ms"],
        ..key(
            "sentence-pause",
            Kind::Whole,
            Render,
            "Silence after each sentence, in milliseconds",
            "MS",
            Value("300"),
        )
    },
    Key {
        aliases: &["head-ms"],
        ..key(
            "head",
            Kind::Whole,
            Render,
            "Silence at the start of each paragraph file, in milliseconds",
            "MS",
            Value("250"),
        )
    },
    Key {
        aliases: &["tail-ms"],
        ..key(
            "tail",
            Kind::Whole,
            Render,
            "Silence at the end of each paragraph file, in milliseconds",
            "MS",
            Value("600"),
        )
    },
    key(
        "loudness",
        Kind::Choice(presets),
        Render,
        "Loudness standard for every file: podcast (-19 LUFS mono, -1 dBTP), acx (audiobooks), \
         ebu (-23 LUFS), off",
        "PRESET",
        Value("podcast"),
    ),
    key(
        "sample-rate",
        Kind::Whole,
        Render,
        "Sample rate of the episode (episode.wav, episode.mp3)",
        "HZ",
        Value("44100"),
    ),
    key(
        "bitrate",
        Kind::Whole,
        Render,
        "Bit rate of episode.mp3 (constant), kbps; at least 192 with --loudness acx (its default)",
        "KBPS",
        Value("64"),
    ),
    switch(
        "episode",
        "no-episode",
        "Write the episode, episode.mp3",
        "Do not write the episode (nor narration.epub and episode.rss.xml, which need it)",
    ),
    opt_in(
        "episode-wav",
        "Write episode.wav too: the episode as one WAV file (RF64 past 4 GiB); the paragraph \
         WAVs are the lossless program already",
    ),
    switch(
        "read-along",
        "no-read-along",
        "Write read-along.html",
        "Do not write read-along.html",
    ),
    switch(
        "epub",
        "no-epub",
        "Write narration.epub (with an episode only)",
        "Do not write narration.epub",
    ),
    key(
        "base-url",
        Kind::Text,
        Render,
        "Where the output folder will be published (https://example.com/ep1/): the base of the \
         links in episode.rss.xml",
        "URL",
        Means("links relative to the feed"),
    ),
];
