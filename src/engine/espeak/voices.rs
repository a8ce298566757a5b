//! espeak-ng's voice table, read once, and the check that a requested voice is in it.
//!
//! Selecting a voice the way `espeak-ng --voice` does (by name, then by language) never says
//! no to a plausible name: `en-zz` or `en` quietly becomes English (Great Britain), so a typo
//! would be cached under its own name with some other voice's audio. narrate therefore
//! accepts only what the table lists: a voice's first language (`en-us`, what
//! `espeak-ng --voices` prints in its Language column and what [`VoiceInfo::id`] is, unless
//! two voices share it), its name (`English (America)`) or its file (`gmw/en-US`), optionally
//! followed by `+variant` for one of the variant files (`en-us+f3`).

use std::ffi::{c_char, CStr};

use super::sys;
use crate::engine::{VoiceId, VoiceInfo};

/// Everything needed to list voices and check a requested one.
#[derive(Debug, Default)]
pub(super) struct VoiceTable {
    pub voices: Vec<Listed>,
    /// Variant names (`f3`, `klatt`, ...), from `!v/f3` and such.
    pub variants: Vec<String>,
}

#[derive(Debug)]
pub(super) struct Listed {
    pub info: VoiceInfo,
    /// espeak-ng's own name (the CLI prints it with underscores for spaces).
    pub name: String,
    /// The voice file, e.g. `gmw/en-US`.
    pub identifier: String,
}

impl VoiceTable {
    /// Reads the table.
    ///
    /// # Safety
    /// Call with the global espeak lock held, after a successful `espeak_Initialize`.
    pub unsafe fn read(api: &sys::Api) -> VoiceTable {
        // The list's strings live until the next `espeak_ListVoices`: copy them at once.
        // SAFETY: the caller holds the lock on an initialized library; a null spec lists every
        // voice except variants and mbrola voices; the entries are read before any other call.
        let voices = unsafe { collect((api.list_voices)(std::ptr::null_mut())) }
            .into_iter()
            .filter_map(listed)
            .collect();
        // Variants are the files of `voices/!v`, where selecting `voice+name` looks for them;
        // reading the folder spares a second scan of every voice file.
        let mut data: *const c_char = std::ptr::null();
        // SAFETY: as above; espeak_Info sets `data` to its data path, a static C string.
        unsafe { (api.info)(&mut data) };
        // SAFETY: null or a NUL-terminated string.
        let variants = unsafe { string(data) }.map_or_else(Vec::new, |data| {
            variant_files(&std::path::Path::new(&data).join("voices").join("!v"))
        });
        VoiceTable {
            voices: unique_ids(voices),
            variants,
        }
    }

    /// Whether `voice` names a listed voice, optionally with a listed `+variant`.
    pub fn knows(&self, voice: &str) -> bool {
        let (base, variant) = match voice.split_once('+') {
            Some((base, variant)) => (base, Some(variant)),
            None => (voice, None),
        };
        let base_ok = self.voices.iter().any(|v| {
            v.info.id.0.eq_ignore_ascii_case(base)
                || v.name.eq_ignore_ascii_case(base)
                || v.identifier.eq_ignore_ascii_case(base)
        });
        let variant_ok = variant.is_none_or(|variant| {
            self.variants
                .iter()
                .any(|v| v.eq_ignore_ascii_case(variant))
        });
        base_ok && variant_ok
    }
}

/// Where two voices share a first language (1.51 has two `yue`), both are known by their
/// file instead, so every id names exactly one voice.
fn unique_ids(mut voices: Vec<Listed>) -> Vec<Listed> {
    let ids: Vec<String> = voices.iter().map(|v| v.info.id.0.clone()).collect();
    for v in &mut voices {
        if ids.iter().filter(|id| **id == v.info.id.0).count() > 1 {
            v.info.id = VoiceId(v.identifier.clone());
        }
    }
    voices
}

/// The names of the variant files in `dir`, sorted; none if it cannot be read.
fn variant_files(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|entry| {
            let entry = entry.ok()?;
            entry.file_type().ok()?.is_file().then_some(())?;
            entry.file_name().into_string().ok()
        })
        .collect();
    names.sort();
    names
}

/// Copies the NULL-terminated array `espeak_ListVoices` returns. The copies still point at
/// espeak-ng's strings, which live only until the next `espeak_ListVoices`.
///
/// # Safety
/// `list` is null or the pointer `espeak_ListVoices` just returned.
unsafe fn collect(list: *mut *const sys::Voice) -> Vec<sys::Voice> {
    let mut out = Vec::new();
    if list.is_null() {
        return out;
    }
    let mut at = list;
    // SAFETY: the array is ended by a null pointer and every entry before it is a valid voice.
    unsafe {
        while !(*at).is_null() {
            out.push(**at);
            at = at.add(1);
        }
    }
    out
}

/// A C string as owned UTF-8 (lossy), or `None` for null.
///
/// # Safety
/// `ptr` is null or points at a NUL-terminated string.
unsafe fn string(ptr: *const c_char) -> Option<String> {
    if ptr.is_null() {
        return None;
    }
    // SAFETY: per the function's contract.
    Some(
        unsafe { CStr::from_ptr(ptr) }
            .to_string_lossy()
            .into_owned(),
    )
}

/// The first language of a `languages` field: a priority byte, then a NUL-terminated name.
///
/// # Safety
/// `languages` is null or points at such a list.
unsafe fn first_language(languages: *const c_char) -> Option<String> {
    if languages.is_null() {
        return None;
    }
    // SAFETY: the list starts with one priority byte, then the first name.
    let name = unsafe { string(languages.add(1)) }?;
    (!name.is_empty()).then_some(name)
}

/// An entry of the list `espeak_ListVoices` just returned, as owned data.
fn listed(voice: sys::Voice) -> Option<Listed> {
    // SAFETY: the fields are null or C strings in espeak-ng's current voice list (callers
    // convert before the next `espeak_ListVoices`).
    let (name, identifier, language) = unsafe {
        (
            string(voice.name)?,
            string(voice.identifier)?,
            first_language(voice.languages)?,
        )
    };
    let gender = match voice.gender {
        1 => Some("male".to_owned()),
        2 => Some("female".to_owned()),
        _ => None,
    };
    Some(Listed {
        info: VoiceInfo {
            id: VoiceId(language.clone()),
            name: name.clone(),
            language,
            gender,
        },
        name,
        identifier,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> VoiceTable {
        VoiceTable {
            voices: vec![Listed {
                info: VoiceInfo {
                    id: VoiceId("en-us".into()),
                    name: "English (America)".into(),
                    language: "en-us".into(),
                    gender: Some("male".into()),
                },
                name: "English (America)".into(),
                identifier: "gmw/en-US".into(),
            }],
            variants: vec!["f3".into()],
        }
    }

    #[test]
    fn listed_names_ids_files_and_variants_are_known() {
        let t = table();
        for ok in [
            "en-us",
            "EN-US",
            "English (America)",
            "gmw/en-US",
            "en-us+f3",
        ] {
            assert!(t.knows(ok), "{ok}");
        }
        for bad in ["en-zz", "en", "en-us+nope", "", "+f3", "English"] {
            assert!(!t.knows(bad), "{bad}");
        }
    }

    #[test]
    fn shared_languages_fall_back_to_files() {
        let mut t = table();
        let mut second = table().voices.remove(0);
        second.identifier = "gmw/en-US-2".into();
        t.voices.push(second);
        let ids: Vec<String> = unique_ids(t.voices)
            .into_iter()
            .map(|v| v.info.id.0)
            .collect();
        assert_eq!(ids, ["gmw/en-US", "gmw/en-US-2"]);
    }

    #[test]
    fn variants_are_the_files_of_their_folder() {
        let dir = tempfile::tempdir().expect("tempdir");
        for name in ["m3", "f3", "klatt"] {
            std::fs::write(dir.path().join(name), "language variant\n").expect("write");
        }
        std::fs::create_dir(dir.path().join("folder")).expect("mkdir");
        assert_eq!(variant_files(dir.path()), ["f3", "klatt", "m3"]);
        assert!(variant_files(&dir.path().join("missing")).is_empty());
    }

    #[test]
    fn first_language_skips_the_priority_byte() {
        let raw = b"\x02en-us\0\x03en\0\0";
        // SAFETY: `raw` is a well-formed languages list.
        let got = unsafe { first_language(raw.as_ptr().cast()) };
        assert_eq!(got.as_deref(), Some("en-us"));
    }
}
