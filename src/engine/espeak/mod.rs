//! espeak-ng through libespeak-ng, loaded at run time.
//!
//! Three facts about libespeak-ng 1.51 shape this module:
//!
//! - It is a bag of global state and not thread-safe (two threads synthesizing at once
//!   corrupt its heap). Every call into it goes through one process-wide lock, `ENGINE`;
//!   an [`Espeak`] handle is only a ticket to it, so any number of handles, on any threads,
//!   work.
//! - `espeak_Terminate` followed by `espeak_Initialize` deadlocks, so the library is
//!   initialized once per process and never terminated (nor unloaded: its idle worker thread
//!   would be left running unmapped code). `espeak_Initialize` also sets the process's
//!   `LC_CTYPE` locale to UTF-8.
//! - Its output depends on what it spoke before (up to 89 ms longer for the same sentence),
//!   through state no API call resets. So on Unix this process never synthesizes: each
//!   request runs in a fork of the freshly initialized library (`isolate`), which makes the
//!   samples a function of the request, equal to what `espeak-ng -z -w` writes.
//!
//! Requests are spoken as `espeak-ng` would with `--voice V -s RATE -p PITCH -z`: UTF-8 text,
//! no SSML (text never steers the engine), `[[phonemes]]` understood as in the CLI (the
//! normalizer escapes user text, the lexicon may use them), and no pause after the last word
//! (`espeakENDPAUSE` off; the audio stage owns pauses between sentences).
//!
//! The C declarations live in `sys` (hand-written, see there), the callback and the
//! conversion of events into marks in `collect`, the voice table in `voices`.

mod collect;
#[cfg(unix)]
mod isolate;
mod phonemes;
mod sys;
mod voices;

use std::ffi::{c_int, CStr, CString};
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::{Engine, EngineError, EngineKind, Speech, SynthRequest, VoiceId, VoiceInfo};
use collect::Collector;
pub use phonemes::{text_to_phonemes, word_mnemonics, Clause};
use voices::VoiceTable;

/// How to install the library, per platform, for the `Missing` error.
const INSTALL_HINT: &str = "install espeak-ng: `sudo apt-get install libespeak-ng1` on \
    Debian/Ubuntu, `sudo dnf install espeak-ng` on Fedora, `brew install espeak-ng` on macOS";

const ENGINE_NAME: &str = "espeak-ng";

/// The one loaded and initialized library of this process.
static ENGINE: Mutex<State> = Mutex::new(State::Unloaded);

#[derive(Debug)]
enum State {
    /// Not tried yet, or the library could not be loaded (trying again is harmless).
    Unloaded,
    Ready(Box<Loaded>),
    /// `espeak_Initialize` failed; it must not be called twice, so this is final.
    Broken(String),
}

#[derive(Debug)]
struct Loaded {
    api: sys::Api,
    sample_rate: u32,
    version: String,
    /// Read, and the default voice selected, before the first synthesis (see [`ready`]), on
    /// a thread of its own while the run plans (`prepare`): reading it scans every voice
    /// file.
    voices: Option<VoiceTable>,
}

fn lock() -> MutexGuard<'static, State> {
    // A panic while the lock was held cannot leave espeak-ng half-called (no code of ours
    // panics between C calls that must pair up), so a poisoned lock is still usable.
    ENGINE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The initialized library, initializing it on first use. Call with the lock held.
fn initialized(state: &mut State) -> Result<&mut Loaded, EngineError> {
    if let State::Unloaded = *state {
        *state = Loaded::init()?;
    }
    match state {
        State::Ready(loaded) => Ok(loaded),
        State::Broken(reason) => Err(missing(reason.clone())),
        State::Unloaded => Err(failed("not initialized")),
    }
}

/// The initialized library with its voice table read and the default voice selected: ready
/// to check voices and to speak. Call with the lock held.
fn ready(state: &mut State) -> Result<&Loaded, EngineError> {
    let loaded = initialized(state)?;
    if loaded.voices.is_none() {
        // SAFETY: initialized, lock held.
        loaded.voices = Some(unsafe { VoiceTable::read(&loaded.api) });
        // Load narrate's default voice once, here, and never change voice in this process
        // again: workers fork from this one fixed state (always reached by the same calls
        // in the same order), so a request's samples still depend on nothing but the
        // request, and en-us workers find their dictionary loaded instead of reading it
        // from disk each time (about half of a sentence's cost).
        // SAFETY: initialized, lock held; the name is a NUL-terminated literal. A failure
        // only means workers load the voice themselves.
        unsafe { (loaded.api.set_voice_by_name)(c"en-us".as_ptr()) };
    }
    Ok(loaded)
}

/// Runs `f` on the initialized library, with the lock held.
fn with_engine<T>(f: impl FnOnce(&Loaded) -> Result<T, EngineError>) -> Result<T, EngineError> {
    f(ready(&mut lock())?)
}

fn missing(reason: String) -> EngineError {
    EngineError::Missing {
        what: "libespeak-ng".into(),
        reason,
        hint: INSTALL_HINT.into(),
    }
}

fn failed(message: impl Into<String>) -> EngineError {
    EngineError::Failed {
        engine: ENGINE_NAME.into(),
        message: message.into(),
    }
}

impl Loaded {
    /// Loads and initializes the library. `Err` when it cannot be loaded (retry later);
    /// `Ok(Broken)` when it loaded but would not initialize.
    fn init() -> Result<State, EngineError> {
        let api = sys::Api::load().map_err(missing)?;
        // SAFETY: first and only initialization in this process (the caller holds the lock
        // and saw `Unloaded`). A null path means espeak-ng's default data directory;
        // DONT_EXIT makes a missing data directory an error instead of `exit(1)`.
        let rate = unsafe {
            (api.initialize)(
                sys::AUDIO_OUTPUT_SYNCHRONOUS,
                0,
                std::ptr::null(),
                sys::INITIALIZE_DONT_EXIT,
            )
        };
        let Ok(sample_rate @ 1..) = u32::try_from(rate) else {
            return Ok(State::Broken(format!(
                "espeak_Initialize failed ({rate}); is espeak-ng-data installed?"
            )));
        };
        // SAFETY: the library is initialized and we hold the lock; the callback follows the
        // `t_espeak_callback` contract. espeak_Info returns a static string (or null).
        let version = unsafe {
            (api.set_synth_callback)(Some(collect::on_synth));
            let ptr = (api.info)(std::ptr::null_mut());
            if ptr.is_null() {
                String::new()
            } else {
                CStr::from_ptr(ptr).to_string_lossy().into_owned()
            }
        };
        Ok(State::Ready(Box::new(Loaded {
            api,
            sample_rate,
            version,
            voices: None,
        })))
    }

    /// Fails with `UnknownVoice` unless the voice table lists `voice` (see [`ready`]).
    fn check_voice(&self, voice: &str) -> Result<(), EngineError> {
        if self.voices.as_ref().is_some_and(|v| v.knows(voice)) {
            Ok(())
        } else {
            Err(EngineError::UnknownVoice {
                voice: voice.to_owned(),
            })
        }
    }

    /// Selects `voice` and sets every parameter narrate cares about to the request's value
    /// or espeak-ng's default, so nothing carries over from the previous request.
    fn prepare(&self, voice: &str, request: &SynthRequest<'_>) -> Result<(), EngineError> {
        self.check_voice(voice)?;
        let unknown = || EngineError::UnknownVoice {
            voice: voice.to_owned(),
        };
        let name = CString::new(voice).map_err(|_| unknown())?;
        // SAFETY: initialized, lock held (`&self` only exists under it); `name` is a valid
        // C string for the duration of the call.
        let mut rc = unsafe { (self.api.set_voice_by_name)(name.as_ptr()) };
        if rc != sys::EE_OK {
            // What `espeak-ng --voice` does next: 1.51's SetVoiceByName refuses some listed
            // languages (`en-gb`), selecting by language finds them.
            let mut spec = sys::Voice::with_language(name.as_ptr());
            // SAFETY: as above; `spec` and the string it points at outlive the call.
            rc = unsafe { (self.api.set_voice_by_properties)(&mut spec) };
        }
        if rc != sys::EE_OK {
            return Err(unknown());
        }
        let clamp = |v: u32| c_int::try_from(v).unwrap_or(c_int::MAX);
        let params = [
            (sys::PARAM_RATE, clamp(request.rate.0)),
            (sys::PARAM_PITCH, clamp(request.pitch.0)),
            (sys::PARAM_VOLUME, 100),
            (sys::PARAM_RANGE, 50),
            (sys::PARAM_WORDGAP, 0),
        ];
        // Punctuation and capitals stay at their defaults (none, off): nothing in narrate
        // changes them, and 1.51 answers EE_INTERNAL_ERROR when asked to set them anyway.
        for (param, value) in params {
            // SAFETY: as above; parameters are plain integers, espeak-ng clamps them.
            let rc = unsafe { (self.api.set_parameter)(param, value, 0) };
            if rc != sys::EE_OK {
                return Err(failed(format!(
                    "espeak_SetParameter({param}) returned {rc}"
                )));
            }
        }
        Ok(())
    }

    /// Synthesizes in this process with `voice`, on whatever state earlier calls left behind.
    fn synthesize_here(
        &self,
        voice: &str,
        request: &SynthRequest<'_>,
    ) -> Result<Collector, EngineError> {
        let text = c_text(request.text)?;
        self.prepare(voice, request)?;
        let mut collector = Collector::default();
        let size = request.text.len() + 1;
        // SAFETY: initialized, lock held. `text` is NUL-terminated UTF-8 of `size` bytes with
        // the terminator; the flags say UTF-8 without SSML. `user_data` points at
        // `collector`, which outlives the call: in synchronous mode every callback has
        // happened before espeak_Synth returns.
        let rc = unsafe {
            (self.api.synth)(
                text.as_ptr().cast(),
                size,
                0,
                sys::POS_CHARACTER,
                0,
                sys::CHARS_UTF8 | sys::PHONEMES,
                std::ptr::null_mut(),
                collect::user_data(&mut collector),
            )
        };
        // SAFETY: initialized, lock held; returns (and clears) the last error status.
        let sync = unsafe { (self.api.synchronize)() };
        if rc != sys::EE_OK || sync != sys::EE_OK {
            return Err(failed(format!(
                "espeak_Synth returned {rc}, espeak_Synchronize {sync}"
            )));
        }
        Ok(collector)
    }
}

fn c_text(text: &str) -> Result<CString, EngineError> {
    CString::new(text).map_err(|_| failed("the text contains a NUL character"))
}

#[cfg(unix)]
fn synthesize_isolated(voice: &str, request: &SynthRequest<'_>) -> Result<Collector, EngineError> {
    isolate::synthesize(voice, request)
}

#[cfg(not(unix))]
fn synthesize_isolated(voice: &str, request: &SynthRequest<'_>) -> Result<Collector, EngineError> {
    with_engine(|loaded| loaded.synthesize_here(voice, request))
}

/// A handle on the process's libespeak-ng. Cheap; any number may exist.
#[derive(Debug)]
pub struct Espeak {
    sample_rate: u32,
    version: String,
    /// The voice every request is spoken with (checked at the first request).
    voice: VoiceId,
}

impl Espeak {
    /// Loads and initializes libespeak-ng on first use (later calls reuse it), to speak with
    /// `voice`. `EngineError::Missing` (with install instructions) when it is not installed.
    pub fn open(voice: &VoiceId) -> Result<Espeak, EngineError> {
        let mut state = lock();
        let loaded = initialized(&mut state)?;
        Ok(Espeak {
            sample_rate: loaded.sample_rate,
            version: loaded.version.clone(),
            voice: voice.clone(),
        })
    }
}

impl Engine for Espeak {
    fn kind(&self) -> EngineKind {
        EngineKind::Espeak
    }

    fn version(&self) -> String {
        self.version.clone()
    }

    fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    fn voices(&mut self) -> Result<Vec<VoiceInfo>, EngineError> {
        with_engine(|loaded| {
            Ok(loaded
                .voices
                .iter()
                .flat_map(|table| &table.voices)
                .map(|v| v.info.clone())
                .collect())
        })
    }

    /// Reads the voice table and selects the default voice (about 6 ms) on a thread, which
    /// holds the library's lock until it is done.
    fn prepare(&mut self) {
        std::thread::spawn(|| {
            // An error here is met again, and reported, by the first request.
            let _ = ready(&mut lock());
        });
    }

    /// On Unix each request runs in a fresh fork of the initialized library (see
    /// `isolate`), so its samples depend on the request alone. Elsewhere it runs here, and
    /// espeak-ng's leftover state makes the output vary slightly with what came before.
    fn synthesize(&mut self, request: &SynthRequest<'_>) -> Result<Speech, EngineError> {
        let collector = synthesize_isolated(&self.voice.0, request)?;
        Ok(collector.into_speech(request.text, self.sample_rate))
    }

    /// On Unix, a few requests per worker, so that every core has a child speaking.
    fn batch(&self) -> usize {
        if cfg!(unix) {
            REQUESTS_PER_WORKER * workers()
        } else {
            1
        }
    }

    /// On Unix, up to one forked child per core at a time (each request's samples depend on
    /// the request alone, so the order they are spoken in changes nothing); elsewhere one
    /// after the other.
    fn synthesize_all(
        &mut self,
        requests: &[SynthRequest<'_>],
    ) -> Vec<Result<Speech, EngineError>> {
        let workers = if cfg!(unix) { workers() } else { 1 };
        let (voice, rate) = (self.voice.0.as_str(), self.sample_rate);
        let speak = |request: &SynthRequest<'_>| {
            synthesize_isolated(voice, request).map(|c| c.into_speech(request.text, rate))
        };
        if workers <= 1 || requests.len() <= 1 {
            return requests.iter().map(speak).collect();
        }
        let next = std::sync::atomic::AtomicUsize::new(0);
        let done: Mutex<Vec<Option<Result<Speech, EngineError>>>> =
            Mutex::new(requests.iter().map(|_| None).collect());
        std::thread::scope(|scope| {
            for _ in 0..workers.min(requests.len()) {
                scope.spawn(|| loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(request) = requests.get(i) else {
                        break;
                    };
                    let result = speak(request);
                    done.lock().unwrap_or_else(PoisonError::into_inner)[i] = Some(result);
                });
            }
        });
        done.into_inner()
            .unwrap_or_else(PoisonError::into_inner)
            .into_iter()
            .map(|r| r.expect("every request was taken by a worker"))
            .collect()
    }
}

/// Requests handed to [`Engine::synthesize_all`] per worker: enough that a worker finding a
/// short sentence takes another while a long one is still spoken, few enough that a batch's
/// speech stays a few megabytes.
const REQUESTS_PER_WORKER: usize = 4;

/// Forked children speaking at once: one per core.
fn workers() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

#[cfg(test)]
mod tests;
