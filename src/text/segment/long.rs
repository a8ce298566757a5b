//! Cutting a sentence too long for one engine request.
//!
//! espeak-ng and most engines handle a few hundred characters well; a 1,000-character legal
//! sentence is cut where a reader would breathe: after the strongest clause punctuation in
//! the latter half of the window, else at the last space, else (one giant token) anywhere.

/// How strongly a character closes a clause, 0 when it does not. `spaced` tells whether a
/// space follows it: "1,000" and "10:30" are not clause breaks, an unspaced em dash is.
fn strength(c: char, spaced: bool) -> u8 {
    match c {
        ';' if spaced => 4,
        ':' if spaced => 3,
        '—' | '―' => 3,
        '–' if spaced => 2,
        ',' | ')' | ']' | '}' if spaced => 1,
        _ => 0,
    }
}

/// Cuts a sentence longer than `max_chars` characters into pieces of at most `max_chars`
/// characters at clause punctuation or word boundaries; shorter sentences come back whole.
/// Pieces are trimmed and never empty; joined with spaces they give the sentence back.
pub fn split_long(sentence: &str, max_chars: usize) -> Vec<String> {
    let max = max_chars.max(1);
    let mut pieces = Vec::new();
    let mut rest = sentence.trim();
    while rest.chars().count() > max {
        let (head, tail) = rest.split_at(cut_point(rest, max));
        let head = head.trim_end();
        if !head.is_empty() {
            pieces.push(head.to_owned());
        }
        rest = tail.trim_start();
    }
    if !rest.is_empty() {
        pieces.push(rest.to_owned());
    }
    pieces
}

/// Byte position to cut `text` (longer than `max` chars, no leading space) so that the head
/// holds at most `max` chars. Always inside the text and on a char boundary, never 0.
fn cut_point(text: &str, max: usize) -> usize {
    let window_end = text.char_indices().nth(max).map_or(text.len(), |(i, _)| i);
    let half = text
        .char_indices()
        .nth(max / 2)
        .map_or(text.len(), |(i, _)| i);

    let mut best: Option<(u8, usize)> = None;
    for (i, c) in text[half..window_end].char_indices() {
        let end = half + i + c.len_utf8();
        let spaced = text[end..].starts_with(char::is_whitespace);
        let strength = strength(c, spaced);
        if strength > 0 && best.is_none_or(|(strongest, _)| strength >= strongest) {
            best = Some((strength, end));
        }
    }
    if let Some((_, end)) = best {
        return end;
    }

    let last_space = text[..window_end]
        .char_indices()
        .filter(|&(i, c)| i > 0 && c.is_whitespace())
        .map(|(i, _)| i)
        .next_back();
    let space_at_limit = text[window_end..]
        .starts_with(char::is_whitespace)
        .then_some(window_end);
    space_at_limit.or(last_space).unwrap_or(window_end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(sentence: &str, max: usize) -> Vec<String> {
        let pieces = split_long(sentence, max);
        for piece in &pieces {
            assert!(!piece.is_empty());
            assert_eq!(piece, piece.trim());
            assert!(piece.chars().count() <= max, "too long: {piece:?}");
        }
        let squash = |s: &str| s.split_whitespace().collect::<String>();
        assert_eq!(squash(&pieces.join(" ")), squash(sentence));
        pieces
    }

    #[test]
    fn short_sentences_come_back_whole() {
        assert_eq!(check("A short one.", 400), ["A short one."]);
        assert_eq!(check("Exactly.", 8), ["Exactly."]);
    }

    #[test]
    fn long_sentence_is_cut_after_commas() {
        let sentence = "the committee met again, and ".repeat(35) + "then it rested.";
        assert!(sentence.chars().count() > 1000);
        let pieces = check(&sentence, MAX);
        assert!(pieces.len() >= 3);
        for piece in &pieces[..pieces.len() - 1] {
            assert!(piece.ends_with(','), "{piece:?}");
        }
    }

    #[test]
    fn strongest_punctuation_in_the_latter_half_wins() {
        let sentence = format!(
            "{}; {}, {}",
            "a".repeat(60),
            "b ".repeat(10),
            "c ".repeat(30)
        );
        let pieces = check(&sentence, 100);
        assert!(pieces[0].ends_with(';'), "{pieces:?}");
    }

    #[test]
    fn without_punctuation_cuts_at_spaces() {
        let sentence = "word ".repeat(250);
        let pieces = check(&sentence, MAX);
        assert!(pieces.iter().all(|p| p.split(' ').all(|w| w == "word")));
    }

    #[test]
    fn a_window_that_ends_mid_word_cuts_at_the_last_space() {
        let sentence = "word ".repeat(250);
        let pieces = check(&sentence, 402);
        assert!(
            pieces.iter().all(|p| p.split(' ').all(|w| w == "word")),
            "{pieces:?}"
        );
    }

    #[test]
    fn one_giant_token_is_cut_hard() {
        let sentence = "x".repeat(1000);
        let pieces = check(&sentence, MAX);
        assert_eq!(pieces.len(), 3);
        assert_eq!(pieces[0].len(), MAX);
    }

    #[test]
    fn multibyte_characters_are_never_split() {
        let sentence = "é한국".repeat(300);
        let pieces = check(&sentence, MAX);
        assert_eq!(pieces.concat(), sentence);
        let words = "café 한국어 ".repeat(100);
        check(&words, 37);
    }

    #[test]
    fn punctuation_in_the_first_half_is_not_a_cut() {
        let sentence = format!("{}, {}", "a ".repeat(10), "b ".repeat(60));
        let pieces = check(&sentence, 100);
        assert!(!pieces[0].ends_with(','), "{pieces:?}");
    }

    #[test]
    fn clause_marks_count_only_where_a_reader_would_pause() {
        // An unspaced em dash is a break; unspaced semicolons, colons and en dashes are not.
        let dash = format!("{}—{}", "w ".repeat(35), "z ".repeat(40));
        assert!(check(&dash, 100)[0].ends_with('—'));
        for mark in [";", ":", "–"] {
            let glued = format!("{}x{mark}y {}", "w ".repeat(35), "z ".repeat(40));
            let pieces = check(&glued, 100);
            assert!(!pieces[0].ends_with(mark), "{mark}: {pieces:?}");
        }
        for (mark, strength) in [(";", 4), (":", 3), ("–", 2)] {
            assert_eq!(strength_of(mark, true), strength, "{mark}");
            assert_eq!(strength_of(mark, false), 0, "{mark}");
        }
    }

    fn strength_of(mark: &str, spaced: bool) -> u8 {
        mark.chars().next().map_or(0, |c| strength(c, spaced))
    }

    #[test]
    fn numbers_with_commas_are_not_clause_breaks() {
        let sentence = format!("{} 1,000,000 {}", "w ".repeat(45), "z ".repeat(10));
        let pieces = check(&sentence, 100);
        assert!(pieces.iter().any(|p| p.contains("1,000,000")), "{pieces:?}");
    }

    const MAX: usize = super::super::MAX_CHARS;
}
