//! One coarse alphabet for two transcriptions: the CMU dictionary's ARPAbet and espeak-ng's
//! phoneme mnemonics (en-us), so that `compare` can tell a real disagreement from a
//! difference of notation or accent.
//!
//! Coarse means: vowel length is dropped; vowels that General American merges are one sound
//! (the vowels of "lot", "thought" and "father"; the vowels of "marry", "merry" and "Mary"
//! before /r/, and of "near" or "cure" likewise); r-coloured vowels are a vowel and /r/;
//! "ch" and "j" are /t/ + "sh" and /d/ + "zh"; espeak-ng's allophones (flap, glottal stop,
//! syllabic l and n) are their phonemes. Stress is kept, on vowels only: whether a vowel
//! carries the word's main stress is what `compare` weighs most.

/// A coarse vowel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Vowel {
    /// "lot", "thought", "father" (ARPAbet AA and AO).
    A,
    /// "trap".
    Ae,
    /// "strut", stressed.
    Ah,
    Aw,
    Ay,
    Eh,
    Er,
    Ey,
    Ih,
    Iy,
    Ow,
    Oy,
    Uh,
    Uw,
    /// A reduced vowel: ARPAbet AH0, espeak-ng `@`.
    Schwa,
}

/// A coarse consonant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Consonant {
    P,
    B,
    T,
    D,
    K,
    G,
    F,
    V,
    Th,
    Dh,
    S,
    Z,
    Sh,
    Zh,
    H,
    M,
    N,
    Ng,
    L,
    R,
    W,
    Y,
}

/// How strongly a vowel is stressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stress {
    None,
    Secondary,
    Primary,
}

/// One coarse sound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sound {
    Vowel(Vowel, Stress),
    Consonant(Consonant),
}

use Consonant as C;
use Sound::Consonant as Con;
use Sound::Vowel as Vow;
use Stress::None as Un;
use Vowel as V;

/// A dictionary pronunciation (`["P", "Y", "AO1", "NG"]`) in coarse sounds. Unknown phones
/// are skipped (the packer accepts only ARPAbet, so there are none).
pub fn from_arpabet(phones: &[&str]) -> Vec<Sound> {
    let mut sounds = Vec::with_capacity(phones.len() + 2);
    for phone in phones {
        let (base, digit) = phone.split_at(phone.trim_end_matches(['0', '1', '2']).len());
        let stress = match digit {
            "1" => Stress::Primary,
            "2" => Stress::Secondary,
            _ => Stress::None,
        };
        if let Some(vowel) = arpabet_vowel(base, stress) {
            sounds.push(Sound::Vowel(vowel, stress));
        } else if let Some(consonant) = arpabet_consonant(base) {
            sounds.extend_from_slice(consonant);
        }
    }
    normalize(sounds)
}

fn arpabet_vowel(base: &str, stress: Stress) -> Option<Vowel> {
    Some(match base {
        "AA" | "AO" => V::A,
        "AE" => V::Ae,
        "AH" if stress == Stress::None => V::Schwa,
        "AH" => V::Ah,
        "AW" => V::Aw,
        "AY" => V::Ay,
        "EH" => V::Eh,
        "ER" => V::Er,
        "EY" => V::Ey,
        "IH" => V::Ih,
        "IY" => V::Iy,
        "OW" => V::Ow,
        "OY" => V::Oy,
        "UH" => V::Uh,
        "UW" => V::Uw,
        _ => return None,
    })
}

fn arpabet_consonant(base: &str) -> Option<&'static [Sound]> {
    Some(match base {
        "P" => &[Con(C::P)],
        "B" => &[Con(C::B)],
        "T" => &[Con(C::T)],
        "D" => &[Con(C::D)],
        "K" => &[Con(C::K)],
        "G" => &[Con(C::G)],
        "F" => &[Con(C::F)],
        "V" => &[Con(C::V)],
        "TH" => &[Con(C::Th)],
        "DH" => &[Con(C::Dh)],
        "S" => &[Con(C::S)],
        "Z" => &[Con(C::Z)],
        "SH" => &[Con(C::Sh)],
        "ZH" => &[Con(C::Zh)],
        "CH" => &[Con(C::T), Con(C::Sh)],
        "JH" => &[Con(C::D), Con(C::Zh)],
        "HH" => &[Con(C::H)],
        "M" => &[Con(C::M)],
        "N" => &[Con(C::N)],
        "NG" => &[Con(C::Ng)],
        "L" => &[Con(C::L)],
        "R" => &[Con(C::R)],
        "W" => &[Con(C::W)],
        "Y" => &[Con(C::Y)],
        _ => return None,
    })
}

/// espeak-ng's phoneme names for one word (as `word_mnemonics` gives them: a stress mark
/// before a vowel's name, `" "` between words) in coarse sounds. Names that are no sound
/// (pauses, `;`, word gaps) are skipped.
pub fn from_espeak<S: AsRef<str>>(names: &[S]) -> Vec<Sound> {
    let mut sounds = Vec::with_capacity(names.len() + 2);
    for (i, name) in names.iter().enumerate() {
        let name = name.as_ref();
        let (stress, name) = if let Some(rest) = name.strip_prefix('\'') {
            (Stress::Primary, rest)
        } else if let Some(rest) = name.strip_prefix(',') {
            (Stress::Secondary, rest)
        } else {
            (Stress::None, name)
        };
        // `i@` is "ee-uh" ("medium") but the "near" vowel before r ("theory").
        let before_r = names.get(i + 1).is_some_and(|next| {
            next.as_ref()
                .trim_start_matches(['\'', ','])
                .starts_with('r')
        });
        let name = if name == "i@" && before_r {
            "i@3"
        } else {
            name
        };
        if let Some(parts) = espeak_vowel(name) {
            for (k, part) in parts.iter().enumerate() {
                sounds.push(match part {
                    // The first part carries the stress; a trailing schwa does not.
                    Sound::Vowel(v, _) if k == 0 => Sound::Vowel(*v, stress),
                    other => *other,
                });
            }
        } else if let Some(consonants) = espeak_consonant(name) {
            sounds.extend_from_slice(consonants);
        }
    }
    normalize(sounds)
}

fn espeak_vowel(name: &str) -> Option<&'static [Sound]> {
    Some(match name {
        "a" | "aa" | "a2" | "A#" => &[Vow(V::Ae, Un)],
        "a#" | "a#2" | "@" | "@2" | "@5" | "@#" => &[Vow(V::Schwa, Un)],
        "A:" | "0" | "0#" | "02" | "O:" | "O" | "O2" | "A~" | "O~" => &[Vow(V::A, Un)],
        "V" => &[Vow(V::Ah, Un)],
        "E" | "E#" | "E2" | "e" => &[Vow(V::Eh, Un)],
        "e:" | "eI" => &[Vow(V::Ey, Un)],
        "I" | "I#" | "I2" | "I2#" | "e#" => &[Vow(V::Ih, Un)],
        "i" | "i:" => &[Vow(V::Iy, Un)],
        "U" => &[Vow(V::Uh, Un)],
        "u:" | "u" => &[Vow(V::Uw, Un)],
        "3:" | "3" => &[Vow(V::Er, Un)],
        "aI" => &[Vow(V::Ay, Un)],
        "aU" => &[Vow(V::Aw, Un)],
        "oU" | "oU#" | "o:" | "o" => &[Vow(V::Ow, Un)],
        "OI" => &[Vow(V::Oy, Un)],
        "A@" | "O@" | "o@" => &[Vow(V::A, Un), Con(C::R)],
        "e@" => &[Vow(V::Eh, Un), Con(C::R)],
        "i@3" | "IR" => &[Vow(V::Ih, Un), Con(C::R)],
        "i@" => &[Vow(V::Iy, Un), Vow(V::Schwa, Un)],
        "U@" => &[Vow(V::Uh, Un), Con(C::R)],
        "VR" => &[Vow(V::Ah, Un), Con(C::R)],
        "aI@" => &[Vow(V::Ay, Un), Vow(V::Schwa, Un)],
        "aI3" => &[Vow(V::Ay, Un), Vow(V::Er, Un)],
        "aU@" => &[Vow(V::Aw, Un), Vow(V::Er, Un)],
        "@L" | "l-" => &[Vow(V::Schwa, Un), Con(C::L)],
        "n-" => &[Vow(V::Schwa, Un), Con(C::N)],
        "m-" => &[Vow(V::Schwa, Un), Con(C::M)],
        _ => return None,
    })
}

fn espeak_consonant(name: &str) -> Option<&'static [Sound]> {
    Some(match name {
        "p" => &[Con(C::P)],
        "b" => &[Con(C::B)],
        "t" | "t#" | "t2" | "?" | "t[" => &[Con(C::T)],
        "d" | "d#" | "d[" => &[Con(C::D)],
        "k" | "x" | "c" | "q" => &[Con(C::K)],
        "g" => &[Con(C::G)],
        "f" => &[Con(C::F)],
        "v" | "v#" => &[Con(C::V)],
        "T" => &[Con(C::Th)],
        "D" => &[Con(C::Dh)],
        "s" | "s;" | "s." => &[Con(C::S)],
        "z" | "z#" | "z/2" | "z;" => &[Con(C::Z)],
        "S" | "S;" => &[Con(C::Sh)],
        "Z" | "Z;" => &[Con(C::Zh)],
        // Affricates: a stop and a fricative, as ARPAbet CH and JH become.
        "tS" | "tS;" => &[Con(C::T), Con(C::Sh)],
        "dZ" | "dZ;" | "J" => &[Con(C::D), Con(C::Zh)],
        "h" | "C" | "X" => &[Con(C::H)],
        "m" => &[Con(C::M)],
        "n" | "n." | "n^" => &[Con(C::N)],
        "N" => &[Con(C::Ng)],
        "l" | "l/" | "L" | "l#" | "l/2" | "l/3" => &[Con(C::L)],
        "r" | "r/" | "R" | "r-" | "R2" | "R3" => &[Con(C::R)],
        "w" | "w#" => &[Con(C::W)],
        "j" => &[Con(C::Y)],
        _ => return None,
    })
}

/// The steps both transcriptions share: affricates split, "er" followed by its /r/, doubled
/// consonants merged (espeak-ng writes "ll" in "solely"), /n/ before /k g/ as "ng", and the
/// General American mergers before /r/.
fn normalize(sounds: Vec<Sound>) -> Vec<Sound> {
    let mut expanded = Vec::with_capacity(sounds.len() + 4);
    for sound in sounds {
        expanded.push(sound);
        if let Sound::Vowel(V::Er, _) = sound {
            expanded.push(Con(C::R));
        }
    }
    let mut out: Vec<Sound> = Vec::with_capacity(expanded.len());
    for (i, &sound) in expanded.iter().enumerate() {
        let next = expanded.get(i + 1).copied();
        let sound = match sound {
            Con(_) if out.last() == Some(&sound) => continue,
            Con(C::N) if matches!(next, Some(Con(C::K | C::G))) => Con(C::Ng),
            Sound::Vowel(v, stress) if next == Some(Con(C::R)) => {
                Sound::Vowel(before_r(v, stress), stress)
            }
            other => other,
        };
        out.push(sound);
    }
    out
}

/// A vowel before /r/, with the contrasts General American loses there merged.
fn before_r(v: Vowel, stress: Stress) -> Vowel {
    match v {
        V::Iy => V::Ih,
        V::Uw => V::Uh,
        V::Ey | V::Ae => V::Eh,
        V::Ow => V::A,
        V::Ah if stress > Stress::None => V::Er,
        other => other,
    }
}

/// espeak-ng mnemonics for a dictionary pronunciation, for a lexicon entry's `phonemes`:
/// `["P", "Y", "AO1", "NG"]` becomes `pj'O:N`.
pub fn arpabet_to_espeak(phones: &[&str]) -> String {
    let mut out = String::new();
    for phone in phones {
        let (base, digit) = phone.split_at(phone.trim_end_matches(['0', '1', '2']).len());
        let unstressed = digit == "0";
        match digit {
            "1" => out.push('\''),
            "2" => out.push(','),
            _ => {}
        }
        out.push_str(match base {
            "AA" => "A:",
            "AO" => "O:",
            "AE" => "a",
            "AH" if unstressed => "@",
            "AH" => "V",
            "AW" => "aU",
            "AY" => "aI",
            "EH" => "E",
            "ER" if unstressed => "3",
            "ER" => "3:",
            "EY" => "eI",
            "IH" => "I",
            "IY" if unstressed => "i",
            "IY" => "i:",
            "OW" => "oU",
            "OY" => "OI",
            "UH" => "U",
            "UW" => "u:",
            "B" => "b",
            "CH" => "tS",
            "D" => "d",
            "DH" => "D",
            "F" => "f",
            "G" => "g",
            "HH" => "h",
            "JH" => "dZ",
            "K" => "k",
            "L" => "l",
            "M" => "m",
            "N" => "n",
            "NG" => "N",
            "P" => "p",
            "R" => "r",
            "S" => "s",
            "SH" => "S",
            "T" => "t",
            "TH" => "T",
            "V" => "v",
            "W" => "w",
            "Y" => "j",
            "Z" => "z",
            "ZH" => "Z",
            _ => "",
        });
    }
    out
}
