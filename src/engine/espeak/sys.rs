//! Hand-written declarations for the dozen libespeak-ng calls narrate makes, and the loader
//! that finds them in the shared library at run time.
//!
//! Why by hand: the bindings crates for espeak-ng run bindgen (so they need libclang and the
//! development headers at build time) and are unmaintained; we need about ten functions and
//! two structs, all stable since API revision 12 (`speak_lib.h`, espeak-ng 1.49 and later).
//! Why loaded at run time: the binary must build without libespeak-ng-dev and tell the user
//! how to install the library when it is missing, instead of failing to start.
//!
//! Every type below mirrors `speak_lib.h` field for field; C enums are `int`-sized on every
//! platform espeak-ng supports, so they are plain `c_int` constants here.

use std::ffi::{c_char, c_int, c_short, c_uint, c_void};

use libloading::Library;

/// `espeak_AUDIO_OUTPUT::AUDIO_OUTPUT_SYNCHRONOUS`: like retrieval, but `espeak_Synth` only
/// returns once the whole text has gone through the callback.
pub const AUDIO_OUTPUT_SYNCHRONOUS: c_int = 2;

/// `espeakINITIALIZE_DONT_EXIT`: return an error instead of calling `exit(1)` when the
/// espeak-ng-data directory is missing.
pub const INITIALIZE_DONT_EXIT: c_int = 0x8000;

/// `espeak_ERROR` values.
pub const EE_OK: c_int = 0;

/// `espeak_EVENT_TYPE` values we look at.
pub const EVENT_LIST_TERMINATED: c_int = 0;
pub const EVENT_WORD: c_int = 1;
pub const EVENT_SENTENCE: c_int = 2;

/// `espeak_POSITION_TYPE::POS_CHARACTER`.
pub const POS_CHARACTER: c_int = 1;

/// `espeak_Synth` flags.
pub const CHARS_UTF8: c_uint = 1;
pub const PHONEMES: c_uint = 0x100;

/// `espeak_TextToPhonemes` phoneme mode: IPA as UTF-8 (bit 1), no separator.
pub const PHONEMES_IPA: c_int = 0x02;
/// `espeak_TextToPhonemes` phoneme mode: espeak-ng's ASCII mnemonics (what `-x` prints).
pub const PHONEMES_MNEMONICS: c_int = 0x00;

/// `espeak_PARAMETER` values.
pub const PARAM_RATE: c_int = 1;
pub const PARAM_VOLUME: c_int = 2;
pub const PARAM_PITCH: c_int = 3;
pub const PARAM_RANGE: c_int = 4;
pub const PARAM_WORDGAP: c_int = 7;

/// The `id` union of `espeak_EVENT`.
#[repr(C)]
#[derive(Clone, Copy)]
pub union EventId {
    pub number: c_int,
    pub name: *const c_char,
    pub string: [c_char; 8],
}

/// `espeak_EVENT`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Event {
    pub kind: c_int,
    pub unique_identifier: c_uint,
    /// 1-based index of the character the event refers to.
    pub text_position: c_int,
    /// Length in characters (word events).
    pub length: c_int,
    /// Milliseconds from the start of the message.
    pub audio_position: c_int,
    /// Sample index from the start of the message ("internal use" in the header).
    pub sample: c_int,
    pub user_data: *mut c_void,
    pub id: EventId,
}

/// `espeak_VOICE`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct Voice {
    pub name: *const c_char,
    /// Pairs of (priority byte, NUL-terminated language), ended by an empty string.
    pub languages: *const c_char,
    pub identifier: *const c_char,
    pub gender: u8,
    pub age: u8,
    pub variant: u8,
    pub xx1: u8,
    pub score: c_int,
    pub spare: *mut c_void,
}

/// `t_espeak_callback`: return 0 to continue, 1 to abort.
pub type SynthCallback = unsafe extern "C" fn(*mut c_short, c_int, *mut Event) -> c_int;

/// The functions narrate uses, resolved from one loaded library.
#[derive(Debug)]
pub struct Api {
    pub initialize: unsafe extern "C" fn(c_int, c_int, *const c_char, c_int) -> c_int,
    pub set_synth_callback: unsafe extern "C" fn(Option<SynthCallback>),
    pub set_voice_by_name: unsafe extern "C" fn(*const c_char) -> c_int,
    pub set_voice_by_properties: unsafe extern "C" fn(*mut Voice) -> c_int,
    pub set_parameter: unsafe extern "C" fn(c_int, c_int, c_int) -> c_int,
    #[allow(clippy::type_complexity)] // mirrors the C prototype one to one
    pub synth: unsafe extern "C" fn(
        *const c_void,
        usize,
        c_uint,
        c_int,
        c_uint,
        c_uint,
        *mut c_uint,
        *mut c_void,
    ) -> c_int,
    pub synchronize: unsafe extern "C" fn() -> c_int,
    pub list_voices: unsafe extern "C" fn(*mut Voice) -> *mut *const Voice,
    pub info: unsafe extern "C" fn(*mut *const c_char) -> *const c_char,
    /// Phonemes of the next clause of a text (used by the Piper engine, see `phonemes`).
    pub text_to_phonemes: unsafe extern "C" fn(*mut *const c_void, c_int, c_int) -> *const c_char,
    /// Keeps the code above mapped. Never dropped: see the module docs of `espeak`.
    _library: Library,
}

/// File names tried in order on this platform.
pub const LIBRARY_NAMES: &[&str] = if cfg!(target_os = "macos") {
    &["libespeak-ng.1.dylib", "libespeak-ng.dylib"]
} else if cfg!(windows) {
    &["libespeak-ng.dll", "espeak-ng.dll"]
} else {
    &["libespeak-ng.so.1", "libespeak-ng.so"]
};

impl Api {
    /// Loads the first library of [`LIBRARY_NAMES`] that opens and resolves every symbol.
    /// The error lists what was tried and why each failed.
    pub fn load() -> Result<Api, String> {
        Api::load_from(LIBRARY_NAMES)
    }

    /// Loads the first of `names` that opens and resolves every symbol.
    pub fn load_from(names: &[&str]) -> Result<Api, String> {
        let mut failures = Vec::new();
        for &name in names {
            // SAFETY: loading libespeak-ng runs its ELF/Mach-O initializers, which only set
            // up static data; the library has no load-time side effects beyond that.
            let library = match unsafe { Library::new(name) } {
                Ok(library) => library,
                Err(err) => {
                    failures.push(format!("{name}: {err}"));
                    continue;
                }
            };
            match Api::resolve(library) {
                Ok(api) => return Ok(api),
                Err(err) => failures.push(format!("{name}: {err}")),
            }
        }
        Err(failures.join("; "))
    }

    fn resolve(library: Library) -> Result<Api, libloading::Error> {
        // SAFETY (for every `sym` call): each symbol name is paired with the function type
        // declared for it in speak_lib.h (API revision 12), and the copied function pointers
        // live in the same struct as `library`, so they cannot outlive the mapping.
        unsafe fn sym<T: Copy>(library: &Library, name: &[u8]) -> Result<T, libloading::Error> {
            // SAFETY: see the comment above `sym`; `T` is the C prototype of `name`.
            unsafe { library.get::<T>(name).map(|s| *s) }
        }
        // SAFETY: as explained on `sym`.
        unsafe {
            Ok(Api {
                initialize: sym(&library, b"espeak_Initialize\0")?,
                set_synth_callback: sym(&library, b"espeak_SetSynthCallback\0")?,
                set_voice_by_name: sym(&library, b"espeak_SetVoiceByName\0")?,
                set_voice_by_properties: sym(&library, b"espeak_SetVoiceByProperties\0")?,
                set_parameter: sym(&library, b"espeak_SetParameter\0")?,
                synth: sym(&library, b"espeak_Synth\0")?,
                synchronize: sym(&library, b"espeak_Synchronize\0")?,
                list_voices: sym(&library, b"espeak_ListVoices\0")?,
                info: sym(&library, b"espeak_Info\0")?,
                text_to_phonemes: sym(&library, b"espeak_TextToPhonemes\0")?,
                _library: library,
            })
        }
    }
}

impl Voice {
    /// A selector for `espeak_ListVoices` / `espeak_SetVoiceByProperties`: just a language.
    pub fn with_language(language: *const c_char) -> Voice {
        Voice {
            name: std::ptr::null(),
            languages: language,
            identifier: std::ptr::null(),
            gender: 0,
            age: 0,
            variant: 0,
            xx1: 0,
            score: 0,
            spare: std::ptr::null_mut(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::{align_of, offset_of, size_of};

    /// The layouts speak_lib.h gives on the 64-bit platforms narrate ships for.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn structs_match_speak_lib_h() {
        assert_eq!(size_of::<EventId>(), 8);
        assert_eq!(offset_of!(Event, text_position), 8);
        assert_eq!(offset_of!(Event, audio_position), 16);
        assert_eq!(offset_of!(Event, sample), 20);
        assert_eq!(offset_of!(Event, user_data), 24);
        assert_eq!(offset_of!(Event, id), 32);
        assert_eq!(size_of::<Event>(), 40);
        assert_eq!(offset_of!(Voice, identifier), 16);
        assert_eq!(offset_of!(Voice, gender), 24);
        assert_eq!(offset_of!(Voice, score), 28);
        assert_eq!(offset_of!(Voice, spare), 32);
        assert_eq!(size_of::<Voice>(), 40);
        assert_eq!(align_of::<Voice>(), 8);
    }
}
