//! The CMU Pronouncing Dictionary, embedded: what a general English dictionary says a word
//! sounds like, in ARPAbet with stress digits.
//!
//! Why embedded: `narrate check` must work offline and download nothing, and a word list
//! beside the binary could go missing or stale. Why this form: `cmudict.txt.gz` (made by
//! `scripts/pack-cmudict`) is the dictionary's text, sorted and gzipped, 0.9 MB in the binary
//! (3.6 MB unpacked). It is unpacked on first use by flate2's pure-Rust inflater (already
//! built for the ID3 tags) and searched in place by bisection over its lines, so there is no
//! index to build: a lookup is about 17 line comparisons. Licence: BSD-style, in
//! `cmudict-LICENSE` beside this file.

use std::io::Read;
use std::sync::OnceLock;

/// `word PH PH PH` lines, lower-case words sorted by their bytes.
const PACKED: &[u8] = include_bytes!("cmudict.txt.gz");

/// The CMU dictionary's version, for reports.
pub const VERSION: &str = "CMU Pronouncing Dictionary (cmudict 1.1.3)";

/// The unpacked dictionary text.
fn text() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        let mut text = String::with_capacity(PACKED.len() * 4);
        // The input is a constant of this binary, checked by a test: it cannot fail to unpack.
        flate2::read::GzDecoder::new(PACKED)
            .read_to_string(&mut text)
            .map(|_| text)
            .unwrap_or_default()
    })
}

/// Unpacks the dictionary now (it is otherwise unpacked by the first lookup), for callers
/// that want that cost off their critical path.
pub fn warm_up() {
    let _ = text();
}

/// Every pronunciation the dictionary gives `word` (case-insensitive, `’` as `'`), in its
/// order, each as ARPAbet phones (`["P", "Y", "AO1", "NG"]`). Empty when it is not in it.
pub fn lookup(word: &str) -> Vec<Vec<&'static str>> {
    lookup_in(text(), &word.to_lowercase().replace('’', "'"))
}

fn lookup_in<'t>(text: &'t str, word: &str) -> Vec<Vec<&'t str>> {
    let bytes = text.as_bytes();
    // Bisect on byte offsets: each probe moves back to the start of its line.
    let (mut low, mut high) = (0, bytes.len());
    while low < high {
        let mid = line_start(bytes, low + (high - low) / 2);
        let (key, _, next) = line_at(text, mid);
        if key < word {
            low = next;
        } else {
            high = mid;
        }
    }
    let mut found = Vec::new();
    let mut at = low;
    while at < bytes.len() {
        let (key, phones, next) = line_at(text, at);
        if key != word {
            break;
        }
        found.push(phones.split(' ').collect());
        at = next;
    }
    found
}

/// The offset of the start of the line holding byte `at`.
fn line_start(bytes: &[u8], at: usize) -> usize {
    bytes[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |nl| nl + 1)
}

/// The word and phones of the line starting at `at`, and where the next line starts.
fn line_at(text: &str, at: usize) -> (&str, &str, usize) {
    let rest = &text[at..];
    let end = rest.find('\n').unwrap_or(rest.len());
    let line = &rest[..end];
    let (word, phones) = line.split_once(' ').unwrap_or((line, ""));
    (word, phones, at + end + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_packed_dictionary_unpacks_whole_and_sorted() {
        let text = text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 135_166, "pronunciations in cmudict 1.1.3");
        let words: Vec<&str> = lines
            .iter()
            .map(|l| l.split(' ').next().unwrap_or(""))
            .collect();
        assert!(words.windows(2).all(|w| w[0] <= w[1]), "sorted by bytes");
    }

    #[test]
    fn lookup_finds_every_variant_in_order() {
        assert_eq!(
            lookup("Korea"),
            [
                vec!["K", "AO2", "R", "IY1", "AH0"],
                vec!["K", "R", "IY1", "AH0"],
                vec!["K", "ER0", "R", "IY1", "AH0"],
            ]
        );
        assert_eq!(lookup("bottle"), [vec!["B", "AA1", "T", "AH0", "L"]]);
    }

    #[test]
    fn curly_apostrophes_are_looked_up_as_straight_ones() {
        assert!(!lookup("don’t").is_empty());
        assert_eq!(lookup("Don’t"), lookup("don't"));
    }

    #[test]
    fn lookup_reaches_both_ends_and_misses_cleanly() {
        assert_eq!(lookup("'bout"), [vec!["B", "AW1", "T"]]);
        let last = text().lines().last().unwrap_or_default();
        let word = last.split(' ').next().unwrap_or_default();
        assert!(!lookup(word).is_empty(), "{word}");
        assert!(lookup("dongchang").is_empty());
        assert!(lookup("").is_empty());
        assert!(lookup("zzzzzzzzz").is_empty());
    }

    #[test]
    fn bisection_works_on_a_tiny_list() {
        let text = "a AH0\nab AE1 B\nab AH0 B\nb B IY1\n";
        assert_eq!(lookup_in(text, "ab"), [vec!["AE1", "B"], vec!["AH0", "B"]]);
        assert_eq!(lookup_in(text, "a"), [vec!["AH0"]]);
        assert_eq!(lookup_in(text, "b"), [vec!["B", "IY1"]]);
        assert!(lookup_in(text, "aa").is_empty());
        assert!(lookup_in(text, "c").is_empty());
    }
}
