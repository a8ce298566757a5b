//! Written text into speakable text: the sentence as the author wrote it, rewritten into the
//! form espeak-ng reads the way a listener expects.
//!
//! espeak-ng 1.51 misreads a lot of ordinary prose (`1999` as "nineteen hundred ninety-nine",
//! `$4.99` as "dollar four point nine nine", `World War II` as "World War roman two", a false
//! sentence end after `U.S.` before a capital; `shared/testdata/espeak_probes.md` lists the
//! measurements). Each concern is one rule in its own file, and [`speech`] runs them in a fixed
//! order:
//!
//! 1. `markup`: HTML entities and leftover Markdown, so the rest sees plain text;
//! 2. the [`Lexicon`], on the text as written: its replacements are final;
//! 3. on what the lexicon left: `safety` (nothing can steer the engine), `web` (e-mail
//!    addresses and URLs, before anything touches their dots), `symbols`,
//!    `abbreviations`, `currency`, `years`, `numbers`, `units`, `roman`.
//!
//! What espeak-ng already reads right (`4.5%`, ordinals, `10:30`, `2008`, `the '90s`, `Mr.`,
//! `NATO`) is left alone. Every rule is pure and compiles its patterns once; a sentence
//! costs tens of microseconds (`cargo bench --bench text`: 0.9 ms for the sample's 26).
//!
//! Limits: the rules see the text between lexicon replacements piece by piece, so a rule that
//! needs the neighbouring word (`Henry VIII` when `Henry` is in the lexicon) does not fire
//! across a replacement; and a phoneme entry followed by `'s` is read "... ess".

mod abbreviations;
mod currency;
mod lexicon;
mod markup;
mod numbers;
mod roman;
mod safety;
mod symbols;
mod units;
mod web;
mod words;
mod years;

#[cfg(test)]
mod real_prose;
#[cfg(test)]
mod tests;

use std::borrow::Cow;

pub use lexicon::{Lexicon, LexiconError};

/// A piece of a sentence on its way to the engine.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    /// Text the rules may still rewrite.
    Text(String),
    /// A lexicon replacement: sent as is.
    Final(String),
}

/// One rewrite rule: returns the input borrowed when it has nothing to change.
type Rule = fn(&str) -> Cow<'_, str>;

/// `re.replace_all` on `text`, where `say` sees each match with the text before and after
/// it and may decline (the match then stays as written).
fn replace_in_context<'t>(
    text: &'t str,
    re: &regex::Regex,
    say: impl Fn(&regex::Captures, &str, &str) -> Option<String>,
) -> Cow<'t, str> {
    re.replace_all(text, |c: &regex::Captures| {
        let whole = c.get(0).expect("group 0 is the whole match");
        say(c, &text[..whole.start()], &text[whole.end()..])
            .unwrap_or_else(|| whole.as_str().to_owned())
    })
}

/// The rules run on text the lexicon did not claim, in this order.
const RULES: [Rule; 9] = [
    safety::apply,
    web::apply,
    symbols::apply,
    abbreviations::apply,
    currency::apply,
    years::apply,
    numbers::apply,
    units::apply,
    roman::apply,
];

/// Rewrites one sentence, as written, into the text to send to the engine.
pub fn speech(sentence: &str, lexicon: &Lexicon) -> String {
    let plain = markup::apply(sentence);
    let mut out = String::with_capacity(plain.len() + 16);
    for segment in lexicon.apply(&plain) {
        match segment {
            Segment::Text(text) => out.push_str(&rewrite(text)),
            Segment::Final(text) => out.push_str(&text),
        }
    }
    tidy_spaces(&out)
}

/// Compiles the rules' patterns (about 10 ms of regular-expression compilation, the bulk of
/// the text stage of a short script) by rewriting a sentence that goes through every rule.
/// narrate calls it on a spare thread while the speech engine loads, so that both are
/// ready at about the same time; a pattern it missed is compiled on first use as usual.
pub fn warm_up() {
    let _ = speech(
        "On May 5, 1990 Gen. Smith paid $5, 3 km at 10:30 am for No. 3 (approx. 1990s) \
         #4 in Chapter IV of www.example.com or *x@y.com*.",
        &Lexicon::default(),
    );
}

fn rewrite(mut text: String) -> String {
    for rule in RULES {
        let changed = match rule(&text) {
            Cow::Owned(new) => Some(new),
            Cow::Borrowed(_) => None,
        };
        if let Some(new) = changed {
            text = new;
        }
    }
    text
}

/// Collapses runs of white space the rules left behind and trims the ends.
fn tidy_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        // ".22 caliber" keeps its space: a leading point before a digit is a decimal.
        let decimal = word.starts_with('.') && word[1..].starts_with(|c: char| c.is_ascii_digit());
        let glue = word.starts_with([',', '.', ';', ':', '!', '?', ')']) && !decimal;
        if !out.is_empty() && !glue {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}
