//! `narrate speak`: the script read aloud now, through the system's speech service (the
//! `tts` crate: speech-dispatcher on Linux, AVFoundation on macOS, WinRT on Windows).
//!
//! The service can only play, never hand back audio, so this is a preview beside the
//! renderer, not an engine. Three things shape it:
//!
//! - It must never hang. A speech server can be missing, slow to autospawn, or (the usual
//!   case on a machine without a sound device) accept text and never play it. So on Linux
//!   narrate first looks for a sound output (an ALSA playback device, a PulseAudio or
//!   PipeWire server) and refuses at once without one; the connection is made on a worker
//!   thread that gets [`CONNECT_TIMEOUT`]; and every sentence must start within
//!   [`START_TIMEOUT`] and end within [`speaking_deadline`], or narrate stops the service and
//!   says why.
//! - Ctrl-C stops the voice at once: the handler only sends an event; the thread that owns
//!   the `Tts` handle wakes on it and calls `stop()`. (The handle is not thread-safe: it is
//!   created on the worker thread and moved, never shared.) A second Ctrl-C exits outright.
//! - One sentence is spoken at a time, and the next is sent when the service reports the end
//!   of the last, so the sentence being spoken is the one printed, and stopping is exact.
//!
//! Text is the renderer's speakable text through [`external::plain_text`] (no espeak-ng
//! phonemes, no brackets). Rate and pitch map linearly onto the service's own range, with
//! narrate's defaults at the service's normal values. The default voice setting (`en-us`)
//! leaves the service's own default voice; any other picks a voice by name or language.

use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use tts::Tts;

use crate::config::{ScriptSettings, Voice};
use crate::engine::{external, EngineError, VoiceId, VoiceInfo};
use crate::error::{Error, InputError};
use crate::script::Paragraph;

/// How long the speech service may take to accept a connection (speech-dispatcher
/// autospawns its server on first use, which takes about a second).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long choosing a voice may take once connected (speech-dispatcher lists every
/// variant of every espeak-ng voice, over 10 000 lines, in a few seconds).
pub const SETUP_TIMEOUT: Duration = Duration::from_secs(30);
/// The voice setting that means "the service's own default voice" (narrate's default).
const DEFAULT_VOICE: &str = "en-us";
/// How long a sentence may wait for the service to start speaking it.
pub const START_TIMEOUT: Duration = Duration::from_secs(5);
/// Set (to anything) to skip the sound-device check, for a speech-dispatcher set up to play
/// somewhere narrate cannot see.
pub const NO_DEVICE_CHECK: &str = "NARRATE_SPEAK_NO_DEVICE_CHECK";

const SERVICE: &str = "the system speech service";

/// One sentence to say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Utterance {
    pub paragraph: usize,
    pub text: String,
}

/// The sentences of every paragraph, or of paragraph `only`, as plain text.
pub fn utterances(
    paragraphs: &[Paragraph],
    only: Option<NonZeroUsize>,
    script: &Path,
) -> Result<Vec<Utterance>, InputError> {
    let chosen: Vec<&Paragraph> = match only {
        None => paragraphs.iter().collect(),
        Some(n) => {
            let p = paragraphs
                .get(n.get() - 1)
                .ok_or_else(|| InputError::Config {
                    path: script.to_path_buf(),
                    message: format!(
                        "there is no paragraph {n}: the script has {} (`narrate text` lists them)",
                        paragraphs.len()
                    ),
                })?;
            vec![p]
        }
    };
    Ok(chosen
        .into_iter()
        .flat_map(|p| {
            p.sentences.iter().map(|s| Utterance {
                paragraph: p.index,
                text: external::plain_text(&s.speech),
            })
        })
        .filter(|u| !u.text.is_empty())
        .collect())
}

/// Maps `value` from narrate's `(low, normal, high)` onto the service's, piecewise linearly
/// so that normal meets normal; the result stays within the service's range.
pub fn scale(value: f32, ours: (f32, f32, f32), theirs: (f32, f32, f32)) -> f32 {
    let (lo, mid, hi) = ours;
    let (min, normal, max) = theirs;
    let mapped = if value >= mid {
        normal + (max - normal) * (value - mid) / (hi - mid).max(f32::EPSILON)
    } else {
        normal - (normal - min) * (mid - value) / (mid - lo).max(f32::EPSILON)
    };
    mapped.clamp(min.min(max), max.max(min))
}

/// How long speaking `text` at `wpm` may take before narrate gives up: twice the expected
/// time, plus [`START_TIMEOUT`] of slack.
pub fn speaking_deadline(text: &str, wpm: u32) -> Duration {
    let words = text.split_whitespace().count().max(1) as f64;
    Duration::from_secs_f64(2.0 * 60.0 * words / f64::from(wpm.max(40))) + START_TIMEOUT
}

/// What a Linux machine offers to play sound on: the first of `$PULSE_SERVER`, a PulseAudio
/// or PipeWire socket in the runtime folder (or PulseAudio's system-wide one), or an ALSA
/// playback device (`pcmC0D0p`) among `snd_devices`. `None` when there is nothing.
pub fn sound_output(
    pulse_server: Option<&str>,
    runtime_dir: Option<&Path>,
    snd_devices: &[String],
    exists: impl Fn(&Path) -> bool,
) -> Option<String> {
    if let Some(server) = pulse_server.filter(|s| !s.trim().is_empty()) {
        return Some(format!("PULSE_SERVER={server}"));
    }
    let mut sockets: Vec<PathBuf> = Vec::new();
    if let Some(dir) = runtime_dir {
        sockets.push(dir.join("pulse/native"));
        sockets.push(dir.join("pipewire-0"));
    }
    sockets.push(PathBuf::from("/var/run/pulse/native"));
    if let Some(socket) = sockets.into_iter().find(|s| exists(s)) {
        return Some(socket.display().to_string());
    }
    snd_devices
        .iter()
        .find(|d| d.starts_with("pcmC") && d.ends_with('p'))
        .map(|d| format!("/dev/snd/{d}"))
}

/// Fails at once on a Linux machine with no sound output (see [`sound_output`]).
fn check_sound_output() -> Result<(), EngineError> {
    if !cfg!(target_os = "linux") || std::env::var_os(NO_DEVICE_CHECK).is_some() {
        return Ok(());
    }
    let snd: Vec<String> = std::fs::read_dir("/dev/snd")
        .map(|dir| {
            dir.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    let pulse = std::env::var("PULSE_SERVER").ok();
    let runtime = std::env::var_os("XDG_RUNTIME_DIR").map(PathBuf::from);
    match sound_output(pulse.as_deref(), runtime.as_deref(), &snd, Path::exists) {
        Some(_) => Ok(()),
        None => Err(EngineError::Missing {
            what: "a sound device".into(),
            reason: "no ALSA playback device in /dev/snd and no PulseAudio or PipeWire \
                     server, so speech would go nowhere"
                .into(),
            hint: format!(
                "`narrate speak` plays through the speakers; render files with `narrate` \
                 instead (set {NO_DEVICE_CHECK}=1 if speech-dispatcher plays elsewhere)"
            ),
        }),
    }
}

/// What the speech service and the Ctrl-C handler tell the speaking thread.
enum Event {
    /// The service answered; setting it up continues.
    Connected,
    /// The service is set up (or could not be).
    Ready(Box<Result<Session, EngineError>>),
    Began,
    Ended,
    Stopped,
    Interrupt,
}

/// A configured connection to the speech service.
struct Session {
    tts: Tts,
    /// Whether the service reports the start and end of each utterance.
    callbacks: bool,
    notes: Vec<String>,
}

fn failed(message: impl Into<String>) -> EngineError {
    EngineError::Failed {
        engine: SERVICE.into(),
        message: message.into(),
    }
}

/// Reads `paragraphs` (or paragraph `only`) aloud. See the module docs.
pub fn speak(
    paragraphs: &[Paragraph],
    only: Option<NonZeroUsize>,
    settings: &ScriptSettings,
) -> Result<(), Error> {
    let utterances = utterances(paragraphs, only, &settings.script.display())?;
    check_sound_output()?;
    let (tx, rx) = mpsc::channel();
    install_interrupt(tx.clone());
    let mut session = connect(&settings.voice, tx, &rx)?;
    for note in &session.notes {
        eprintln!("note: {note}");
    }
    let total = utterances.len();
    for (i, u) in utterances.iter().enumerate() {
        eprintln!("[{}/{total}] paragraph {}: {}", i + 1, u.paragraph, u.text);
        session
            .tts
            .speak(u.text.as_str(), false)
            .map_err(|e| failed(format!("refused the text: {e}")))?;
        wait_for_end(&mut session, &rx, &u.text, settings.voice.rate.0)?;
    }
    Ok(())
}

/// First Ctrl-C: tell the speaking thread. Second: exit at once.
fn install_interrupt(tx: Sender<Event>) {
    let pressed = AtomicBool::new(false);
    // Fails only if a handler is already installed (by an embedding program): keep theirs.
    let _ = ctrlc::set_handler(move || {
        if pressed.swap(true, Ordering::SeqCst) {
            std::process::exit(crate::error::exit::INTERRUPTED);
        }
        let _ = tx.send(Event::Interrupt);
    });
}

/// Connects on a worker thread, so that a server that never answers costs
/// [`CONNECT_TIMEOUT`], not a hang; choosing a voice then gets [`SETUP_TIMEOUT`].
fn connect(voice: &Voice, tx: Sender<Event>, rx: &Receiver<Event>) -> Result<Session, Error> {
    let voice = voice.clone();
    std::thread::Builder::new()
        .name("narrate-speech-connect".into())
        .spawn(move || {
            let session = open_session(&voice, &tx);
            let _ = tx.send(Event::Ready(Box::new(session)));
        })
        .map_err(|e| failed(format!("cannot start a thread: {e}")))?;
    let mut deadline = Instant::now() + CONNECT_TIMEOUT;
    let mut connected = false;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(Event::Connected) => {
                connected = true;
                deadline = Instant::now() + SETUP_TIMEOUT;
            }
            Ok(Event::Ready(session)) => return Ok((*session)?),
            Ok(Event::Interrupt) => return Err(Error::Stopped),
            Ok(_) => {}
            Err(RecvTimeoutError::Timeout) if connected => {
                return Err(failed(format!(
                    "did not list its voices within {} s",
                    SETUP_TIMEOUT.as_secs()
                ))
                .into())
            }
            Err(RecvTimeoutError::Timeout) => {
                return Err(EngineError::Missing {
                    what: SERVICE.into(),
                    reason: format!("it did not answer within {} s", CONNECT_TIMEOUT.as_secs()),
                    hint: install_hint().into(),
                }
                .into())
            }
            Err(RecvTimeoutError::Disconnected) => {
                return Err(failed("the connecting thread ended without an answer").into())
            }
        }
    }
}

fn install_hint() -> &'static str {
    if cfg!(target_os = "linux") {
        "install and start speech-dispatcher (`sudo apt-get install speech-dispatcher`), \
         then check that `spd-say hello` is heard"
    } else {
        "check that the system's text-to-speech works in its settings"
    }
}

/// Opens the service, sets rate, pitch and voice, and routes its events to `tx`.
fn open_session(voice: &Voice, tx: &Sender<Event>) -> Result<Session, EngineError> {
    let mut tts = Tts::default().map_err(|e| EngineError::Missing {
        what: SERVICE.into(),
        reason: format!("cannot connect: {e}"),
        hint: install_hint().into(),
    })?;
    let _ = tx.send(Event::Connected);
    let features = tts.supported_features();
    let mut notes = Vec::new();
    if features.rate {
        let theirs = (tts.min_rate(), tts.normal_rate(), tts.max_rate());
        let rate = scale(voice.rate.0 as f32, (80.0, 175.0, 450.0), theirs);
        if let Err(e) = tts.set_rate(rate) {
            notes.push(format!("could not set the rate: {e}"));
        }
    }
    if features.pitch {
        let theirs = (tts.min_pitch(), tts.normal_pitch(), tts.max_pitch());
        let pitch = scale(voice.pitch.0 as f32, (0.0, 50.0, 100.0), theirs);
        if let Err(e) = tts.set_pitch(pitch) {
            notes.push(format!("could not set the pitch: {e}"));
        }
    }
    if features.voice && !voice.voice.0.eq_ignore_ascii_case(DEFAULT_VOICE) {
        if let Some(note) = choose_voice(&mut tts, &voice.voice) {
            notes.push(note);
        }
    }
    let callbacks = features.utterance_callbacks;
    if callbacks {
        let route = |event: fn() -> Event| -> Option<Box<dyn FnMut(tts::UtteranceId)>> {
            let tx = tx.clone();
            Some(Box::new(move |_| drop(tx.send(event()))))
        };
        tts.on_utterance_begin(route(|| Event::Began))
            .and_then(|()| tts.on_utterance_end(route(|| Event::Ended)))
            .and_then(|()| tts.on_utterance_stop(route(|| Event::Stopped)))
            .map_err(|e| failed(format!("cannot follow the speech: {e}")))?;
    } else if !features.is_speaking {
        return Err(failed(
            "it reports neither the end of an utterance nor whether it is speaking, so \
             narrate cannot follow it",
        ));
    }
    Ok(Session {
        tts,
        callbacks,
        notes,
    })
}

/// Picks the service's voice for narrate's voice setting (a name, or a language tag such
/// as the default `en-us`); a note when there is none and the service's default speaks.
fn choose_voice(tts: &mut Tts, wanted: &VoiceId) -> Option<String> {
    let voices = match tts.voices() {
        Ok(v) => v,
        Err(e) => return Some(format!("cannot list the voices ({e}); using the default")),
    };
    let infos: Vec<VoiceInfo> = voices
        .iter()
        .map(|v| VoiceInfo {
            id: VoiceId(v.id()),
            name: v.name(),
            language: v.language().to_string(),
            gender: None,
        })
        .collect();
    let Some(info) = external::resolve_voice(&wanted.0, &infos) else {
        return Some(format!(
            "no voice {wanted:?} among the speech service's {} voices; using its default",
            infos.len()
        ));
    };
    let chosen = voices.iter().find(|v| v.id() == info.id.0)?;
    tts.set_voice(chosen)
        .err()
        .map(|e| format!("could not select the voice {}: {e}", info.name))
}

/// Waits until the sentence just sent has been spoken, Ctrl-C, or a deadline.
fn wait_for_end(
    session: &mut Session,
    rx: &Receiver<Event>,
    text: &str,
    wpm: u32,
) -> Result<(), Error> {
    let sent = Instant::now();
    let start_by = sent + START_TIMEOUT;
    let end_by = sent + speaking_deadline(text, wpm);
    let mut began = false;
    loop {
        let deadline = if began { end_by } else { start_by };
        let now = Instant::now();
        if now >= deadline {
            let _ = session.tts.stop();
            let message = if began {
                format!(
                    "started a sentence but did not finish it within {} s; is there a \
                     working sound device? (`spd-say hello` tests the service on Linux)",
                    (end_by - sent).as_secs()
                )
            } else {
                format!(
                    "accepted the text but did not start speaking within {} s; is there a \
                     working sound device? (`spd-say hello` tests the service on Linux)",
                    START_TIMEOUT.as_secs()
                )
            };
            return Err(failed(message).into());
        }
        let wait = if session.callbacks {
            deadline - now
        } else {
            (deadline - now).min(Duration::from_millis(50))
        };
        match rx.recv_timeout(wait) {
            Ok(Event::Began) => began = true,
            Ok(Event::Ended) => return Ok(()),
            Ok(Event::Stopped) => return Err(failed("stopped speaking (cancelled)").into()),
            Ok(Event::Interrupt) => {
                let _ = session.tts.stop();
                return Err(Error::Stopped);
            }
            Ok(Event::Connected | Event::Ready(_)) => {}
            Err(RecvTimeoutError::Timeout) if !session.callbacks => {
                let speaking = session.tts.is_speaking().unwrap_or(false);
                if speaking {
                    began = true;
                } else if began {
                    return Ok(());
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return Err(failed("lost the connection").into()),
        }
    }
}

#[cfg(test)]
mod tests;
