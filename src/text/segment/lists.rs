//! Inline lists ("1. Buy milk 2. Cook"), which UAX #29 splits after the marker instead of
//! before it.
//!
//! A bullet (•, ⁃, ...) always opens an item. Numbers and letters ("1.", "2)", "a.") only
//! count as markers when they form a run counting up from 1 or "a" that starts the text or
//! follows a colon or a sentence end, so "I counted 2. Then 3." stays prose.

/// Characters that open a list item wherever they stand after a space.
const BULLETS: &[char] = &['•', '⁃', '◦', '‣', '▪', '▫', '●', '○', '■', '□'];

/// Punctuation written after an item number: "1.)" must be tried before "1.".
const CLOSERS: &[&str] = &[".)", ")", "."];

/// One item: its marker as written (with the spaces after it) and the text that follows.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Item<'a> {
    pub marker: &'a str,
    pub body: &'a str,
}

/// A number or letter marker found in the text.
#[derive(Clone, Copy, Debug)]
struct Enumerator {
    start: usize,
    len: usize,
    value: u32,
    alphabetic: bool,
    closer: &'static str,
}

/// Cuts `text` before every list marker; text before the first marker is an item with an
/// empty marker. Text without a list comes back as one item.
pub(crate) fn items(text: &str) -> Vec<Item<'_>> {
    let mut markers: Vec<(usize, usize)> = Vec::new();
    let mut enumerators = Vec::new();
    let mut covered = 0;
    for (pos, c) in text.char_indices() {
        if pos < covered || !(pos == 0 || preceded_by_space(text, pos)) {
            continue;
        }
        if BULLETS.contains(&c) {
            let mut end = skip_space(text, pos + c.len_utf8());
            if let Some(number) = enumerator(text, end) {
                end = number.start + number.len;
            }
            markers.push((pos, end - pos));
            covered = end;
        } else if let Some(number) = enumerator(text, pos) {
            enumerators.push(number);
        }
    }
    markers.extend(counted_runs(text, &enumerators));
    markers.sort_unstable();
    markers.dedup_by_key(|marker| marker.0);
    if markers.is_empty() {
        return vec![Item {
            marker: "",
            body: text,
        }];
    }

    let mut items = Vec::new();
    if !text[..markers[0].0].trim().is_empty() {
        items.push(Item {
            marker: "",
            body: &text[..markers[0].0],
        });
    }
    for (i, &(start, len)) in markers.iter().enumerate() {
        let end = markers.get(i + 1).map_or(text.len(), |next| next.0);
        items.push(Item {
            marker: &text[start..start + len],
            body: &text[start + len..end],
        });
    }
    items
}

/// Enumerators that form runs counting up by one from 1 or "a", each run opening the text or
/// following a colon or a sentence end. Returns (start, length) of each marker in a run.
fn counted_runs(text: &str, enumerators: &[Enumerator]) -> Vec<(usize, usize)> {
    let mut markers = Vec::new();
    let mut used = vec![false; enumerators.len()];
    for (i, first) in enumerators.iter().enumerate() {
        if used[i] || first.value != 1 || !opens_run(text, first.start) {
            continue;
        }
        let mut run = vec![i];
        let mut last = *first;
        for (j, next) in enumerators.iter().enumerate().skip(i + 1) {
            if !used[j]
                && next.alphabetic == last.alphabetic
                && next.closer == last.closer
                && next.value == last.value + 1
            {
                run.push(j);
                last = *next;
            }
        }
        if run.len() >= 2 {
            for j in run {
                used[j] = true;
                markers.push((enumerators[j].start, enumerators[j].len));
            }
        }
    }
    markers
}

/// A run may start at the beginning of the text or after ":" or a sentence end.
fn opens_run(text: &str, pos: usize) -> bool {
    match text[..pos].trim_end().chars().last() {
        None => true,
        Some(c) => matches!(c, ':' | '.' | '!' | '?'),
    }
}

/// Parses "12.", "3)", "4.)", "b." at `pos`, followed by at least one space (included in the
/// length).
fn enumerator(text: &str, pos: usize) -> Option<Enumerator> {
    let rest = &text[pos..];
    let digits = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let (value, alphabetic, label_len) = if (1..=3).contains(&digits) {
        (rest[..digits].parse().ok()?, false, digits)
    } else {
        let letter = rest.chars().next().filter(char::is_ascii_lowercase)?;
        (u32::from(letter) - u32::from('a') + 1, true, 1)
    };
    let after_label = &rest[label_len..];
    let closer = CLOSERS
        .iter()
        .find(|closer| after_label.starts_with(**closer))?;
    let end = pos + label_len + closer.len();
    let spaced = skip_space(text, end);
    (spaced > end).then_some(Enumerator {
        start: pos,
        len: spaced - pos,
        value,
        alphabetic,
        closer,
    })
}

fn preceded_by_space(text: &str, pos: usize) -> bool {
    text[..pos].chars().last().is_some_and(char::is_whitespace)
}

/// Byte position of the first non-space character at or after `pos`.
fn skip_space(text: &str, pos: usize) -> usize {
    text[pos..]
        .find(|c: char| !c.is_whitespace())
        .map_or(text.len(), |offset| pos + offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn markers(text: &str) -> Vec<&str> {
        items(text).iter().map(|item| item.marker.trim()).collect()
    }

    #[test]
    fn numbered_and_lettered_runs_are_lists() {
        assert_eq!(markers("1. One 2. Two"), ["1.", "2."]);
        assert_eq!(markers("1.) One. 2.) Two."), ["1.)", "2.)"]);
        assert_eq!(markers("a. One b. Two c. Three"), ["a.", "b.", "c."]);
        assert_eq!(markers("Steps: 1) mix 2) bake"), ["", "1)", "2)"]);
    }

    #[test]
    fn bullets_open_items_with_their_numbers() {
        assert_eq!(markers("• 9. One • 10. Two"), ["• 9.", "• 10."]);
        assert_eq!(markers("⁃9. One ⁃10. Two"), ["⁃9.", "⁃10."]);
    }

    #[test]
    fn a_run_counts_up_by_one_in_one_style_from_a_marker_that_opens_it() {
        // Starts at 2, skips a number, changes style or closer: no list.
        assert_eq!(markers("Intro: 2. Two 3. Three"), [""]);
        assert_eq!(markers("Steps: 1. One 5. Five"), [""]);
        assert_eq!(markers("Steps: 1. One b. Two"), [""]);
        assert_eq!(markers("Steps: 1. One 2) Two"), [""]);
        // A marker needs a space after it and a space (or the start) before it.
        assert_eq!(markers("Steps: 1.One 2.Two"), [""]);
        assert_eq!(markers("Steps:1. One 2. Two"), [""]);
    }

    #[test]
    fn a_number_after_a_bullet_belongs_to_that_bullet() {
        assert_eq!(markers("1. Mix • 2. Bake"), ["", "• 2."]);
    }

    #[test]
    fn prose_numbers_are_not_lists() {
        assert_eq!(markers("I counted 1. Then 2. Then 3."), [""]);
        assert_eq!(markers("Chapter 2. Then 3. Done."), [""]);
        assert_eq!(markers("She has $100.00. It is 5. Yes."), [""]);
    }
}
