//! Phonemes to the model's input ids, through the voice's `phoneme_id_map`.
//!
//! The layout is Piper's: `^ _ (phoneme _)* $`, where `_` (padding) separates phonemes.
//! A phoneme the map lacks is skipped, as the reference does; the list of skipped ones is
//! returned so a caller can say which text it could not say.

use std::collections::HashMap;

/// Beginning of sentence.
pub const BOS: &str = "^";
/// End of sentence.
pub const EOS: &str = "$";
/// Padding between phonemes.
pub const PAD: &str = "_";

/// The ids of one sentence, and the phonemes the map did not know.
pub fn to_ids(phonemes: &[char], map: &HashMap<String, Vec<i64>>) -> (Vec<i64>, Vec<char>) {
    let get = |symbol: &str| map.get(symbol).map(Vec::as_slice).unwrap_or_default();
    let pad = get(PAD);
    let mut ids = Vec::with_capacity(2 * phonemes.len() + 3);
    let mut unknown = Vec::new();
    ids.extend_from_slice(get(BOS));
    ids.extend_from_slice(pad);
    let mut buf = [0u8; 4];
    for &p in phonemes {
        match map.get(p.encode_utf8(&mut buf) as &str) {
            Some(found) => {
                ids.extend_from_slice(found);
                ids.extend_from_slice(pad);
            }
            None => unknown.push(p),
        }
    }
    ids.extend_from_slice(get(EOS));
    (ids, unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_framed_and_padded() {
        let map: HashMap<String, Vec<i64>> = [("_", 0), ("^", 1), ("$", 2), ("a", 14), (",", 8)]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), vec![v]))
            .collect();
        let (ids, unknown) = to_ids(&['a', ',', '?', 'a'], &map);
        assert_eq!(ids, [1, 0, 14, 0, 8, 0, 14, 0, 2]);
        assert_eq!(unknown, ['?']);
    }
}
