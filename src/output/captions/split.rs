//! A sentence in caption-sized pieces: each at most two lines of at most [`WIDTH`]
//! characters, broken where a reader would pause.
//!
//! Breaks go after clause punctuation (`,` `;` `:` dashes, a full stop inside the
//! sentence) where one is near, else before a conjunction, else at any space; a dash
//! inside a word (`clear—and`) is a break too. The pieces are chosen together (a small
//! dynamic program over the words): few pieces of similar length, clause breaks preferred;
//! a piece's two lines are balanced. A word longer than a line stays on a line of its own.
//! Widths count characters, as caption guidelines do.

/// Most characters on one caption line (the BBC's and Netflix's 42).
pub const WIDTH: usize = 42;

/// A word as it is written, and how it joins the next.
#[derive(Clone, Copy, Debug)]
struct Token<'a> {
    text: &'a str,
    /// No space before the next word (split after a dash inside a word).
    glued: bool,
}

/// Cost of one more piece: fewer, fuller pieces are easier to read than many short ones.
const PIECE: usize = 40;

/// The words of `line` (already one line), split after dashes inside words.
fn tokens(line: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    for word in line.split_whitespace() {
        let mut rest = word;
        while let Some((at, dash)) = rest
            .char_indices()
            .find(|&(i, c)| is_dash(c) && i > 0 && i + c.len_utf8() < rest.len())
        {
            let end = at + dash.len_utf8();
            out.push(Token {
                text: &rest[..end],
                glued: true,
            });
            rest = &rest[end..];
        }
        out.push(Token {
            text: rest,
            glued: false,
        });
    }
    out
}

fn is_dash(c: char) -> bool {
    matches!(c, '—' | '–' | '―')
}

/// Whether a clause ends after `token`: it ends in clause punctuation (closing quotes and
/// brackets aside), or is a dash of its own (`-`, `--`).
fn ends_clause(token: &str) -> bool {
    let bare = token.trim_end_matches(['"', '\'', '’', '”', '»', ')', ']']);
    bare == "-"
        || bare == "--"
        || bare
            .chars()
            .last()
            .is_some_and(|c| is_dash(c) || ",;:!?…".contains(c))
}

/// Words before which a reader pauses when there is no punctuation.
fn starts_clause(token: &str) -> bool {
    const WORDS: [&str; 16] = [
        "and", "but", "or", "nor", "so", "yet", "because", "which", "who", "whom", "whose", "that",
        "when", "while", "where", "if",
    ];
    let bare = token.trim_start_matches(['"', '\'', '‘', '“', '«', '(', '[']);
    WORDS.iter().any(|w| bare.eq_ignore_ascii_case(w))
}

/// How bad a break between `tokens[at - 1]` and `tokens[at]` is: 0 after a clause, 1
/// before a conjunction, 2 elsewhere.
fn break_rank(tokens: &[Token<'_>], at: usize) -> usize {
    if tokens[at - 1].glued || ends_clause(tokens[at - 1].text) {
        0
    } else if starts_clause(tokens[at].text) {
        1
    } else {
        2
    }
}

/// The width on one line of any run of tokens, in constant time: running sums of the
/// tokens' characters and of the spaces after them.
struct Widths {
    letters: Vec<usize>,
    spaces: Vec<usize>,
}

impl Widths {
    fn new(tokens: &[Token<'_>]) -> Widths {
        let (mut letters, mut spaces) = (vec![0], vec![0]);
        for t in tokens {
            letters.push(letters[letters.len() - 1] + t.text.chars().count());
            spaces.push(spaces[spaces.len() - 1] + usize::from(!t.glued));
        }
        Widths { letters, spaces }
    }

    /// Characters of tokens `i..j` (not empty) on one line.
    fn of(&self, i: usize, j: usize) -> usize {
        self.letters[j] - self.letters[i] + self.spaces[j - 1] - self.spaces[i]
    }

    /// Tokens `i..j` fit on a line: at most [`WIDTH`], or one word.
    fn fit(&self, i: usize, j: usize) -> bool {
        j - i == 1 || self.of(i, j) <= WIDTH
    }
}

fn line(tokens: &[Token<'_>]) -> String {
    let mut out = String::new();
    for t in tokens {
        out.push_str(t.text);
        if !t.glued {
            out.push(' ');
        }
    }
    out.truncate(out.trim_end().len());
    out
}

/// The best two-line layout of tokens `i..j` as (where the second line starts, cost),
/// `None` on one line; `Err` when two lines are not enough.
fn layout(
    ranks: &[usize],
    widths: &Widths,
    i: usize,
    j: usize,
) -> Result<Option<(usize, usize)>, ()> {
    if widths.fit(i, j) {
        return Ok(None);
    }
    (i + 1..j)
        .filter(|&k| widths.fit(i, k) && widths.fit(k, j))
        .map(|k| {
            let (a, b) = (widths.of(i, k), widths.of(k, j));
            (k, a.abs_diff(b) / 2 + 5 * ranks[k])
        })
        .min_by_key(|&(_, cost)| cost)
        .map(Some)
        .ok_or(())
}

/// `sentence` (one line) as caption texts, each one or two lines joined by `\n`; empty for
/// a sentence without words.
pub fn pieces(sentence: &str) -> Vec<String> {
    let tokens = tokens(sentence);
    let widths = Widths::new(&tokens);
    let n = tokens.len();
    // ranks[k]: how bad a break before tokens[k] is (k in 1..n).
    let ranks: Vec<usize> = (0..n)
        .map(|k| if k == 0 { 0 } else { break_rank(&tokens, k) })
        .collect();
    // best[j]: the cheapest pieces of tokens[..j], as (cost, where the last one starts).
    let mut best: Vec<Option<(usize, usize)>> = vec![None; n + 1];
    best[0] = Some((0, 0));
    for j in 1..=n {
        for i in (0..j).rev() {
            let Some((before, _)) = best[i] else { continue };
            let Ok(lines) = layout(&ranks, &widths, i, j) else {
                // Fewer words cannot need more lines... but more can: stop widening.
                break;
            };
            let chars = widths.of(i, j);
            let cost = before
                + PIECE
                + chars * chars / 100
                + lines.map_or(0, |(_, c)| c)
                + if j < n { 15 * ranks[j] } else { 0 };
            if best[j].is_none_or(|(c, _)| cost < c) {
                best[j] = Some((cost, i));
            }
        }
    }
    let mut starts = Vec::new();
    let mut j = n;
    while j > 0 {
        let (_, i) = best[j].expect("every prefix splits: one word is always a piece");
        starts.push((i, j));
        j = i;
    }
    starts
        .into_iter()
        .rev()
        .map(|(i, j)| match layout(&ranks, &widths, i, j) {
            Ok(Some((k, _))) => format!("{}\n{}", line(&tokens[i..k]), line(&tokens[k..j])),
            _ => line(&tokens[i..j]),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(sentence: &str) -> Vec<String> {
        let pieces = pieces(sentence);
        for piece in &pieces {
            let lines: Vec<&str> = piece.split('\n').collect();
            assert!(lines.len() <= 2, "{piece:?}");
            for l in lines {
                assert!(
                    l.chars().count() <= WIDTH || !l.contains(' '),
                    "{l:?} is {} characters",
                    l.chars().count()
                );
                assert!(!l.is_empty() && l.trim() == l, "{l:?}");
            }
        }
        let rejoined = pieces.join(" ").replace('\n', " ");
        assert_eq!(
            rejoined.split_whitespace().collect::<String>(),
            sentence.split_whitespace().collect::<String>(),
            "every character kept, in order"
        );
        pieces
    }

    #[test]
    fn a_short_sentence_is_one_line() {
        assert_eq!(
            check("The genie cannot be put back."),
            ["The genie cannot be put back."]
        );
        assert!(check("").is_empty());
    }

    #[test]
    fn two_lines_break_at_the_clause() {
        let sentence = "It is abundantly clear, by now, that the genie cannot go back.";
        assert!(sentence.chars().count() > WIDTH);
        assert_eq!(
            check(sentence),
            ["It is abundantly clear, by now,\nthat the genie cannot go back."]
        );
    }

    #[test]
    fn a_long_sentence_becomes_balanced_pieces_at_clauses() {
        let sentence = "Every file narrate writes was read by independent tools, and all of them \
             accept what they read; but a podcaster who publishes the result finds gaps, each \
             found by trying it as a new user would, one after another.";
        let pieces = check(sentence);
        assert!(pieces.len() >= 3, "{pieces:?}");
        for piece in &pieces[..pieces.len() - 1] {
            let last = piece.split_whitespace().last().expect("a word");
            assert!(ends_clause(last), "{piece:?} ends mid-clause");
        }
    }

    #[test]
    fn lines_are_balanced() {
        let pieces = check("Salt and pepper now and more of everything that is on the table today");
        assert_eq!(pieces.len(), 1, "{pieces:?}");
        let lines: Vec<usize> = pieces[0].split('\n').map(|l| l.chars().count()).collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].abs_diff(lines[1]) <= 12, "{pieces:?}");
    }

    #[test]
    fn dashes_inside_words_are_breaks() {
        let sentence = "The chapters of a Markdown script were paragraphs—not sections—and a \
                        podcast app should show the three sections";
        let pieces = check(sentence);
        assert!(
            pieces
                .iter()
                .any(|p| p.contains("paragraphs—\n") || p.ends_with("paragraphs—")),
            "{pieces:?}"
        );
    }

    #[test]
    fn a_word_longer_than_a_line_stays_on_its_own_line() {
        let long = "x".repeat(60);
        let pieces = check(&format!("See {long} and then more words here."));
        assert!(
            pieces.iter().flat_map(|p| p.split('\n')).any(|l| l == long),
            "{pieces:?}"
        );
    }

    #[test]
    fn non_ascii_counts_characters_not_bytes() {
        // 41 characters, 50 bytes: one line.
        let sentence = "Café crème: naïve ééé, true; #1 back éé.";
        assert!(sentence.chars().count() <= WIDTH && sentence.len() > WIDTH);
        assert_eq!(check(sentence), [sentence]);
    }
}
