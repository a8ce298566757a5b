//! The pronunciation lexicon: the author's own fixes for words the rules cannot know.
//!
//! A lexicon is a TOML file of `[[word]]` entries:
//!
//! ```toml
//! # `say`: a respelling espeak-ng reads right.
//! [[word]]
//! text = "Jae-in"
//! say = "Jay-in"
//!
//! # `phonemes`: espeak-ng phoneme mnemonics, as `espeak-ng -x` prints them.
//! [[word]]
//! text = "Yongbyon"
//! phonemes = "j'0Nbj'Vn"
//! case-sensitive = true
//! ```
//!
//! `text` is a word or a phrase (words separated by any run of white space). It matches whole
//! words only, ignoring case unless `case-sensitive = true`; where entries overlap the longest
//! wins. Each entry has exactly one of `say` or `phonemes`. Unknown keys are errors, and every
//! error names the 1-based line of the offending entry.
//!
//! The lexicon is applied first, to the written sentence (after markup is stripped), so that
//! an entry can fix anything the rules would otherwise rewrite: a name, an e-mail address, an
//! abbreviation. What an entry puts in is final: later rules never touch it. That is also the
//! only way `[[phonemes]]` reach the engine; user text that looks like phoneme input is
//! neutralized by the safety rule.

use std::ops::Range;
use std::path::Path;

use regex::Regex;
use serde::Deserialize;

use super::Segment;

/// A pronunciation lexicon: words or phrases mapped to respellings or phonemes.
#[derive(Clone, Debug, Default)]
pub struct Lexicon {
    /// Entries, longest text first (the order of the alternatives in `matcher`).
    entries: Vec<Entry>,
    /// One alternation over all entries; group `i + 1` is `entries[i]`.
    matcher: Option<Regex>,
}

impl PartialEq for Lexicon {
    fn eq(&self, other: &Self) -> bool {
        self.entries == other.entries
    }
}

impl Eq for Lexicon {}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Entry {
    text: String,
    replacement: Replacement,
    case_sensitive: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Replacement {
    Say(String),
    Phonemes(String),
}

/// A malformed lexicon file.
#[derive(Debug, thiserror::Error)]
#[error("{path}:{line}: {message}", path = .path.display())]
pub struct LexiconError {
    pub path: std::path::PathBuf,
    /// 1-based line of the offending entry.
    pub line: usize,
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    word: Vec<toml::Spanned<RawEntry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawEntry {
    text: Option<String>,
    say: Option<String>,
    phonemes: Option<String>,
    #[serde(default)]
    case_sensitive: bool,
}

impl Lexicon {
    /// Parses `lexicon.toml` source; `path` is only used in errors.
    pub fn parse(source: &str, path: &Path) -> Result<Lexicon, LexiconError> {
        let error = |span: Option<Range<usize>>, message: String| LexiconError {
            path: path.to_owned(),
            line: span.map_or(1, |s| line_of(source, s.start)),
            message,
        };
        let raw: RawFile =
            toml::from_str(source).map_err(|e| error(e.span(), e.message().trim().to_owned()))?;
        let mut entries = Vec::with_capacity(raw.word.len());
        for spanned in raw.word {
            let span = spanned.span();
            let entry = validate(spanned.into_inner()).map_err(|m| error(Some(span), m))?;
            entries.push(entry);
        }
        Ok(Lexicon::from_entries(entries))
    }

    fn from_entries(mut entries: Vec<Entry>) -> Lexicon {
        if entries.is_empty() {
            return Lexicon::default();
        }
        // Longest first: the regex alternation prefers the earliest alternative that matches.
        entries.sort_by_key(|e| std::cmp::Reverse(e.text.chars().count()));
        let alternatives: Vec<String> = entries.iter().map(pattern).collect();
        let matcher = Regex::new(&alternatives.join("|")).ok();
        Lexicon { entries, matcher }
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when the lexicon has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// True when some entry applies to `sentence` (as written).
    pub fn matches(&self, sentence: &str) -> bool {
        self.matcher.as_ref().is_some_and(|m| m.is_match(sentence))
    }

    /// Splits `text` into pieces the rules may rewrite and the lexicon's final replacements.
    pub(super) fn apply(&self, text: &str) -> Vec<Segment> {
        let Some(matcher) = self.matcher.as_ref().filter(|m| m.is_match(text)) else {
            return vec![Segment::Text(text.to_owned())];
        };
        let mut segments = Vec::new();
        let mut last = 0;
        for caps in matcher.captures_iter(text) {
            let Some(whole) = caps.get(0) else { continue };
            let Some(index) = (1..caps.len()).find(|&i| caps.get(i).is_some()) else {
                continue;
            };
            let Some(entry) = self.entries.get(index - 1) else {
                continue;
            };
            if whole.start() > last {
                segments.push(Segment::Text(text[last..whole.start()].to_owned()));
            }
            segments.push(Segment::Final(match &entry.replacement {
                Replacement::Say(say) => say.clone(),
                Replacement::Phonemes(ph) => format!("[[{ph}]]"),
            }));
            last = whole.end();
        }
        if last < text.len() {
            segments.push(Segment::Text(text[last..].to_owned()));
        }
        segments
    }
}

fn validate(raw: RawEntry) -> Result<Entry, String> {
    let text = raw.text.unwrap_or_default();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        return Err("entry has no `text` (the word or phrase to match)".into());
    }
    let replacement = match (raw.say, raw.phonemes) {
        (Some(_), Some(_)) => {
            return Err(format!(
                "entry for {text:?} has both `say` and `phonemes`; keep one"
            ))
        }
        (None, None) => {
            return Err(format!(
                "entry for {text:?} needs `say` (a respelling) or `phonemes`"
            ))
        }
        (Some(say), None) => {
            let say = say.split_whitespace().collect::<Vec<_>>().join(" ");
            if say.is_empty() {
                return Err(format!("entry for {text:?} has an empty `say`"));
            }
            if say.contains(['[', ']', '<', '>']) {
                return Err(format!(
                    "entry for {text:?}: `say` cannot hold `[`, `]`, `<` or `>`; \
                     write phoneme input in `phonemes`"
                ));
            }
            Replacement::Say(say)
        }
        (None, Some(ph)) => {
            let ph = ph.trim().to_owned();
            if ph.is_empty() || ph.contains(['[', ']', '\n', '\r']) {
                return Err(format!(
                    "entry for {text:?}: `phonemes` must be espeak-ng mnemonics on one line, \
                     without brackets"
                ));
            }
            Replacement::Phonemes(ph)
        }
    };
    Ok(Entry {
        text,
        replacement,
        case_sensitive: raw.case_sensitive,
    })
}

/// The regex for one entry: whole words, any white space between words, case as asked.
fn pattern(entry: &Entry) -> String {
    let words: Vec<String> = entry.text.split(' ').map(regex::escape).collect();
    let body = words.join(r"\s+");
    let is_word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let start = if is_word(entry.text.chars().next()) {
        r"\b"
    } else {
        ""
    };
    let end = if is_word(entry.text.chars().last()) {
        r"\b"
    } else {
        ""
    };
    let flags = if entry.case_sensitive { "" } else { "(?i)" };
    format!("({start}(?:{flags}{body}){end})")
}

/// 1-based line of a byte offset.
fn line_of(source: &str, offset: usize) -> usize {
    let offset = offset.min(source.len());
    source.as_bytes()[..offset]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(source: &str) -> Result<Lexicon, LexiconError> {
        Lexicon::parse(source, Path::new("lexicon.toml"))
    }

    fn speak(lexicon: &Lexicon, text: &str) -> String {
        lexicon
            .apply(text)
            .into_iter()
            .map(|s| match s {
                Segment::Text(t) | Segment::Final(t) => t,
            })
            .collect()
    }

    const SAMPLE: &str = r#"
[[word]]
text = "Jae-in"
say = "Jay-in"

[[word]]
text = "Yongbyon"
phonemes = "j'0Nbj'Vn"
case-sensitive = true

[[word]]
text = "Kim   Jong-un"
say = "Kim Jong-oon"

[[word]]
text = "Kim"
say = "Kimm"
"#;

    #[test]
    fn respellings_and_phonemes_replace_whole_words() {
        let lex = parse(SAMPLE).expect("sample parses");
        assert_eq!(lex.len(), 4);
        assert!(!lex.is_empty());
        assert_eq!(speak(&lex, "Moon Jae-in said"), "Moon Jay-in said");
        assert_eq!(speak(&lex, "the Yongbyon site"), "the [[j'0Nbj'Vn]] site");
        assert!(lex.matches("at Yongbyon."));
        assert!(!lex.matches("Jae-inx and Jaein"));
    }

    #[test]
    fn case_sensitive_only_when_asked() {
        let lex = parse(SAMPLE).expect("sample parses");
        assert_eq!(speak(&lex, "moon JAE-IN"), "moon Jay-in");
        assert_eq!(speak(&lex, "yongbyon"), "yongbyon");
    }

    #[test]
    fn longest_phrase_wins_and_spaces_are_loose() {
        let lex = parse(SAMPLE).expect("sample parses");
        assert_eq!(
            speak(&lex, "leader Kim\u{a0}Jong-un met Kim"),
            "leader Kim Jong-oon met Kimm"
        );
    }

    #[test]
    fn empty_file_is_an_empty_lexicon() {
        let lex = parse("# nothing yet\n").expect("empty parses");
        assert!(lex.is_empty());
        assert!(!lex.matches("anything"));
        assert_eq!(lex, Lexicon::default());
    }

    fn error_line(source: &str) -> (usize, String) {
        let e = parse(source).expect_err("must fail");
        (e.line, e.message)
    }

    #[test]
    fn missing_replacement_names_its_line() {
        let (line, message) =
            error_line("[[word]]\ntext = \"a\"\nsay = \"b\"\n\n[[word]]\ntext = \"Jae\"\n");
        assert_eq!(line, 5, "{message}");
        assert!(message.contains("needs `say`"), "{message}");
    }

    #[test]
    fn both_replacements_name_their_line() {
        let (line, message) =
            error_line("\n[[word]]\ntext = \"x\"\nsay = \"y\"\nphonemes = \"z\"\n");
        assert_eq!(line, 2, "{message}");
        assert!(message.contains("both"), "{message}");
    }

    #[test]
    fn empty_text_names_its_line() {
        let (line, message) = error_line("[[word]]\ntext = \"  \"\nsay = \"y\"\n");
        assert_eq!(line, 1, "{message}");
        assert!(message.contains("no `text`"), "{message}");
    }

    #[test]
    fn unknown_key_names_its_line() {
        let (line, message) = error_line(
            "[[word]]\ntext = \"a\"\nsay = \"b\"\n\n[[word]]\ntext = \"c\"\nsey = \"d\"\n",
        );
        assert_eq!(line, 7, "{message}");
        assert!(message.contains("sey"), "{message}");
    }

    #[test]
    fn bad_toml_names_its_line() {
        let (line, _) = error_line("[[word]]\ntext = \"a\"\nsay = \"b\n");
        assert_eq!(line, 3);
        let e = parse("[[word]]\ntext = 5\n").expect_err("must fail");
        assert_eq!(e.line, 2);
        assert!(e.to_string().starts_with("lexicon.toml:2: "), "{e}");
    }

    #[test]
    fn say_cannot_smuggle_phonemes() {
        let (line, message) = error_line("[[word]]\ntext = \"a\"\nsay = \"[[h@'loU]]\"\n");
        assert_eq!(line, 1);
        assert!(message.contains("phonemes"), "{message}");
        let (_, message) = error_line("[[word]]\ntext = \"a\"\nphonemes = \"x]] [[y\"\n");
        assert!(message.contains("brackets"), "{message}");
    }
}
