//! Raw command-line arguments (clap derive). The only module that knows about clap's
//! parsing; [`crate::config`] turns these into validated settings.
//!
//! The settings' flags are not written here: [`SettingArgs`] makes them from
//! [`config::KEYS`] and hands their values, and those of their environment variables, to
//! config as layers that remember which flag or variable gave each.

use std::ffi::OsString;
use std::marker::PhantomData;
use std::path::PathBuf;

use clap::builder::{OsStringValueParser, PossibleValue, TypedValueParser};
use clap::parser::ValueSource;
use clap::ValueHint;
use clap::{Arg, ArgAction, ArgMatches, Args, FromArgMatches, Parser, Subcommand};

use crate::config::keys::{Group, Kind};
use crate::config::{self, Invocation, Key, Layer, Origin, Value, KEYS};
use crate::engine::EngineKind;

const EXAMPLES: &str = "\
Examples:
  narrate                          narrate script/essay.txt into output/
  narrate my-essay.md -o out/      narrate a Markdown script into out/
  narrate - < draft.txt            read the script from standard input
  narrate --voice en-gb --rate 160 another voice, slower
  narrate plan                     what a run would synthesize, keep or remove
  narrate watch my-essay.md        re-narrate on every save of the script or lexicon
  narrate text --json              what will be spoken, sentence by sentence
  narrate check                    words the engine may read wrong, with lexicon entries
  narrate voices                   the engine's voices
  narrate speak --paragraph 3      hear paragraph 3 now (a build with --features live)
  narrate completions bash > /etc/bash_completion.d/narrate
";

/// Turn a written essay into a podcast-ready narration: one WAV per paragraph, chapter
/// listings, a playlist and transcripts.
#[derive(Debug, Parser)]
#[command(name = "narrate", version, after_help = EXAMPLES, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub render: RenderArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Narrate a script (the default command).
    Render(RenderArgs),
    /// Show what a run would synthesize, keep and remove, and why, without touching anything.
    Plan(RenderArgs),
    /// Narrate, then narrate again each time the script, lexicon or narrate.toml is saved.
    Watch(RenderArgs),
    /// Print paragraphs, sentences and the text sent to the engine.
    Text(TextArgs),
    /// List, per paragraph, the words the engine is likely to read wrong (names, words it
    /// says otherwise than a pronouncing dictionary, acronyms, numbers and symbols no rule
    /// rewrote), with lexicon entries to paste, and the lexicon entries that match nothing.
    Check(CheckArgs),
    /// List the speech engine's voices.
    Voices(VoicesArgs),
    /// Read the script aloud now through the system's speech service, sentence by sentence
    /// (needs a build with `--features live`). Ctrl-C stops at once.
    Speak(SpeakArgs),
    /// Print shell completions.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), or a subcommand's (`narrate man plan`: narrate-plan(1)).
    Man {
        /// The subcommand whose page to print.
        #[arg(value_parser = clap::builder::PossibleValuesParser::new(MAN_PAGES))]
        page: Option<String>,
    },
}

/// The subcommands that have a man page of their own: all of them.
pub const MAN_PAGES: [&str; 9] = [
    "render",
    "plan",
    "watch",
    "text",
    "check",
    "voices",
    "speak",
    "completions",
    "man",
];

/// Where the script is and how to speak it: shared by every command that reads a script.
#[derive(Debug, Clone, Default, Args)]
pub struct ScriptArgs {
    /// The script: plain text (.txt, no extension) or Markdown (.md); `-` reads standard
    /// input. Default: script/essay.txt.
    #[arg(value_name = "SCRIPT")]
    pub script: Option<PathBuf>,

    /// Settings file. Default: narrate.toml beside the script, if there is one.
    #[arg(long, value_name = "FILE", env = "NARRATE_CONFIG")]
    pub config: Option<PathBuf>,

    #[command(flatten)]
    pub given: SettingArgs<ScriptKeys>,
}

impl ScriptArgs {
    /// The script, the settings file and the settings given.
    pub fn invocation(&self) -> Invocation {
        Invocation {
            script: self.script.clone(),
            config: self.config.clone(),
            env: self.given.env.clone(),
            flags: self.given.flags.clone(),
        }
    }

    /// The settings for reading the script.
    pub fn settings(&self) -> Result<config::ScriptSettings, config::Error> {
        config::script_settings(&self.invocation())
    }
}

#[derive(Debug, Clone, Default, Args)]
pub struct RenderArgs {
    #[command(flatten)]
    pub script: ScriptArgs,

    #[command(flatten)]
    pub given: SettingArgs<RenderKeys>,

    /// Print the merged settings (defaults < narrate.toml < environment < flags) as a
    /// narrate.toml, and exit.
    #[arg(long)]
    pub dump_config: bool,

    #[command(flatten)]
    pub verbosity: Verbosity,
}

impl RenderArgs {
    /// The script, the settings file and every setting given.
    pub fn invocation(&self) -> Invocation {
        let mut invocation = self.script.invocation();
        invocation.env = invocation.env.under(&self.given.env);
        invocation.flags = invocation.flags.under(&self.given.flags);
        invocation
    }

    /// The settings for a render.
    pub fn settings(&self) -> Result<config::Settings, config::Error> {
        config::settings(&self.invocation())
    }
}

/// Which keys of [`KEYS`] a command takes as flags.
pub trait Keys {
    fn takes(key: &Key) -> bool;

    /// The help of `--NAME`.
    fn help(key: &Key) -> String {
        key.help()
    }
}

/// The keys of every command that reads a script.
#[derive(Debug, Clone, Default)]
pub struct ScriptKeys;

impl Keys for ScriptKeys {
    fn takes(key: &Key) -> bool {
        key.group == Group::Script
    }
}

/// The keys only the commands that narrate take.
#[derive(Debug, Clone, Default)]
pub struct RenderKeys;

impl Keys for RenderKeys {
    fn takes(key: &Key) -> bool {
        key.group == Group::Render
    }
}

/// `--engine` alone (`narrate voices`).
#[derive(Debug, Clone, Default)]
pub struct EngineKey;

impl Keys for EngineKey {
    fn takes(key: &Key) -> bool {
        key.name == "engine"
    }

    fn help(_: &Key) -> String {
        "Speech engine whose voices to list. Default: the platform's, then Piper's".to_owned()
    }
}

/// The flags of the keys `K` takes, made from [`KEYS`]: their values, and those of their
/// environment variables, as two layers. clap reads the variables (so `--help` shows them)
/// but checks no value: config does, naming the flag or the variable.
#[derive(Debug, Clone, Default)]
pub struct SettingArgs<K> {
    pub flags: Layer,
    pub env: Layer,
    keys: PhantomData<K>,
}

/// Takes any value and tells `--help` and completions the names a key takes; config
/// checks the value, so that its error names the flag or the variable it came from.
#[derive(Clone)]
struct Names(fn() -> Vec<(&'static str, &'static str)>);

impl TypedValueParser for Names {
    type Value = OsString;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<OsString, clap::Error> {
        OsStringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        let names = (self.0)().into_iter();
        Some(Box::new(
            names.map(|(name, about)| PossibleValue::new(name).help(about)),
        ))
    }
}

/// The flags of `key`: `--NAME VALUE` and `--no-NAME`, as it has them.
fn flags_of(key: &'static Key, help: String) -> Vec<Arg> {
    let mut args = Vec::new();
    if key.value_flag {
        let mut arg = Arg::new(key.name)
            .long(key.name)
            .value_name(key.value_name)
            .help(help.clone())
            .action(ArgAction::Set);
        arg = match key.kind {
            Kind::Choice(names) => arg.value_parser(Names(names)),
            Kind::Path | Kind::PathOrOff => arg
                .value_parser(OsStringValueParser::new())
                .value_hint(ValueHint::AnyPath),
            _ => arg.value_parser(OsStringValueParser::new()),
        };
        if let Some(short) = key.short {
            arg = arg.short(short);
        }
        if let Some(env) = key.env {
            arg = arg.env(env);
        }
        args.push(arg);
    }
    if key.on_flag {
        args.push(
            Arg::new(key.name)
                .long(key.name)
                .help(help.clone())
                .action(ArgAction::SetTrue),
        );
    }
    if let Some(off) = key.off {
        let mut arg = Arg::new(off.flag)
            .long(off.flag)
            .help(off.help)
            .action(ArgAction::SetTrue);
        if key.value_flag {
            arg = arg.conflicts_with(key.name);
        }
        args.push(arg);
    }
    args
}

impl<K: Keys> Args for SettingArgs<K> {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        let keys = KEYS.iter().filter(|k| K::takes(k));
        cmd.args(keys.flat_map(|key| flags_of(key, K::help(key))))
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

impl<K: Keys> FromArgMatches for SettingArgs<K> {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let mut given = SettingArgs {
            flags: Layer::default(),
            env: Layer::default(),
            keys: PhantomData,
        };
        for key in KEYS.iter().filter(|k| K::takes(k)) {
            if key.value_flag {
                if let Some(value) = matches.get_one::<OsString>(key.name) {
                    let value = Value::Word(value.clone());
                    match (matches.value_source(key.name), key.env) {
                        (Some(ValueSource::EnvVariable), Some(env)) => {
                            given.env.set(key, value, Origin::Env(env))
                        }
                        _ => given.flags.set(key, value, Origin::Flag(key.name)),
                    }
                }
            }
            if key.on_flag && matches.get_flag(key.name) {
                let on = Value::Word("true".into());
                given.flags.set(key, on, Origin::Flag(key.name));
            }
            if let Some(off) = key.off {
                if matches.get_flag(off.flag) {
                    given.flags.set(key, Value::Off, Origin::Flag(off.flag));
                }
            }
        }
        Ok(given)
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

#[derive(Debug, Clone, Default, Args)]
pub struct Verbosity {
    /// Say more: skipped paragraphs, each paragraph as it is written.
    #[arg(short, long, conflicts_with = "quiet")]
    pub verbose: bool,

    /// Print nothing but errors.
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Args)]
pub struct TextArgs {
    #[command(flatten)]
    pub script: ScriptArgs,

    /// Print JSON: {"paragraphs":[{"index":1,"title":"…","sentences":[{"text":…,"speech":…}]}]}.
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub verbosity: Verbosity,
}

#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub script: ScriptArgs,

    /// Print JSON: {"voice":…,"paragraphs":[{"index":2,"findings":[{"word":…,"kind":…,
    /// "phonemes":…,"entry":…}]}],"unused_entries":[…],"summary":{…}}.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
pub struct VoicesArgs {
    /// `--engine`: the speech engine whose voices to list.
    #[command(flatten)]
    pub given: SettingArgs<EngineKey>,

    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

impl VoicesArgs {
    /// The engine asked for, if one is.
    pub fn engine(&self) -> Result<Option<EngineKind>, config::Error> {
        config::engine(&self.given.env, &self.given.flags)
    }
}

#[derive(Debug, Clone, Args)]
pub struct SpeakArgs {
    /// The script, voice, rate and pitch as for rendering. `--engine` is ignored: live speech
    /// always goes through the system's speech service.
    #[command(flatten)]
    pub script: ScriptArgs,

    /// Speak only paragraph N (as `narrate text` numbers them).
    #[arg(long, value_name = "N")]
    pub paragraph: Option<std::num::NonZeroUsize>,
}

/// The clap command, for completions and the man page.
pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::keys::Fallback;

    /// The help of every flag of `cmd` and its subcommands, by long name.
    fn helps(cmd: &clap::Command) -> Vec<(String, String)> {
        let mut helps: Vec<(String, String)> = cmd
            .get_arguments()
            .filter_map(|a| Some((a.get_long()?.to_owned(), a.get_help()?.to_string())))
            .collect();
        for sub in cmd.get_subcommands() {
            helps.extend(self::helps(sub));
        }
        helps
    }

    #[test]
    fn every_settings_flag_states_the_default_from_the_table() {
        let helps = helps(&command());
        for key in KEYS {
            let flag = |name: &'static str| helps.iter().filter(move |(long, _)| long == name);
            if key.value_flag {
                assert!(flag(key.name).count() > 0, "--{} is a flag", key.name);
            }
            for (long, help) in flag(key.name) {
                let stated = match key.fallback {
                    Fallback::Value(value) | Fallback::Means(value) => value,
                };
                let default = format!("Default: {stated}");
                assert!(
                    help.contains(&default) || long == "engine",
                    "--{long}: {help}"
                );
            }
            if let Some(off) = key.off {
                assert!(
                    flag(off.flag).any(|(_, help)| help == off.help),
                    "--{}",
                    off.flag
                );
            }
        }
        assert!(helps
            .iter()
            .any(|(long, help)| long == "rate" && help.ends_with("Default: 175")));
    }

    #[test]
    fn flags_and_variables_become_layers_that_name_them() {
        let cli = Cli::try_parse_from([
            "narrate",
            "s.txt",
            "--rate",
            "200",
            "--no-episode",
            "-o",
            "x",
        ])
        .expect("parses");
        let invocation = cli.render.invocation();
        let rate = invocation.flags.get("rate").expect("--rate");
        assert_eq!(rate.origin, Origin::Flag("rate"));
        assert_eq!(rate.value, Value::Word("200".into()));
        let episode = invocation.flags.get("episode").expect("--no-episode");
        assert_eq!(
            (&episode.value, &episode.origin),
            (&Value::Off, &Origin::Flag("no-episode"))
        );
        assert_eq!(
            invocation.flags.get("output").map(|g| &g.origin),
            Some(&Origin::Flag("output"))
        );
    }
}
