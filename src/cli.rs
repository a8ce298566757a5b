//! Raw command-line arguments (clap derive). The only module that knows about clap's
//! parsing; [`crate::config`] turns these into validated settings.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

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
    /// Print the man page (roff).
    Man,
}

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

    /// Pronunciation lexicon. Default: lexicon.toml beside the script, if there is one.
    #[arg(long, value_name = "FILE", env = "NARRATE_LEXICON")]
    pub lexicon: Option<PathBuf>,

    /// Ignore lexicon.toml beside the script.
    #[arg(long, conflicts_with = "lexicon")]
    pub no_lexicon: bool,

    /// Speech engine.
    #[arg(long, value_enum, env = "NARRATE_ENGINE")]
    pub engine: Option<EngineKind>,

    /// Voice, as `narrate voices` lists it. Default: en-us (Piper: en_US-joe-medium).
    #[arg(long, env = "NARRATE_VOICE")]
    pub voice: Option<String>,

    /// Speaking rate in words per minute (80-450). Default: 175.
    #[arg(long, env = "NARRATE_RATE")]
    pub rate: Option<u32>,

    /// Base pitch, 0-100. Default: 50.
    #[arg(long, env = "NARRATE_PITCH")]
    pub pitch: Option<u32>,

    /// Piper: how much the voice varies, 0-2 (0 with --noise-w 0: the same sentence always
    /// sounds the same). Default: the voice's own (0.667 for most).
    #[arg(long, value_name = "SCALE")]
    pub noise_scale: Option<f32>,

    /// Piper: how much phoneme lengths vary, 0-2. Default: the voice's own (0.8 for most).
    #[arg(long, value_name = "SCALE")]
    pub noise_w: Option<f32>,
}

#[derive(Debug, Clone, Default, Args)]
pub struct RenderArgs {
    #[command(flatten)]
    pub script: ScriptArgs,

    /// Output folder. Default: output/.
    #[arg(short, long, value_name = "DIR", env = "NARRATE_OUTPUT")]
    pub output: Option<PathBuf>,

    /// Silence after each sentence, in milliseconds. Default: 300.
    #[arg(long, value_name = "MS")]
    pub sentence_pause: Option<u64>,

    /// Silence at the start of each paragraph file, in milliseconds. Default: 250.
    #[arg(long, value_name = "MS")]
    pub head: Option<u64>,

    /// Silence at the end of each paragraph file, in milliseconds. Default: 600.
    #[arg(long, value_name = "MS")]
    pub tail: Option<u64>,

    /// Loudness standard for every file: podcast (-19 LUFS mono, -1 dBTP), acx (audiobooks),
    /// ebu (-23 LUFS), off. Default: podcast.
    #[arg(long, value_enum, value_name = "PRESET")]
    pub loudness: Option<crate::audio::loudness::Preset>,

    /// Sample rate of the episode (episode.wav, episode.mp3). Default: 44100.
    #[arg(long, value_name = "HZ")]
    pub sample_rate: Option<u32>,

    /// Bit rate of episode.mp3 (constant), kbps. Default: 64.
    #[arg(long, value_name = "KBPS")]
    pub bitrate: Option<u32>,

    /// Do not write episode.wav and episode.mp3 (nor narration.epub and episode.rss.xml,
    /// which need the episode).
    #[arg(long)]
    pub no_episode: bool,

    /// Do not write read-along.html.
    #[arg(long)]
    pub no_read_along: bool,

    /// Do not write narration.epub.
    #[arg(long)]
    pub no_epub: bool,

    /// Where the output folder will be published (https://example.com/ep1/): the base of
    /// the links in episode.rss.xml. Default: links relative to the feed.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,

    /// Print the merged settings (defaults < narrate.toml < environment < flags) and exit.
    #[arg(long)]
    pub dump_config: bool,

    #[command(flatten)]
    pub verbosity: Verbosity,
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
    /// Speech engine whose voices to list.
    #[arg(long, value_enum, env = "NARRATE_ENGINE")]
    pub engine: Option<EngineKind>,

    /// Print JSON.
    #[arg(long)]
    pub json: bool,
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
