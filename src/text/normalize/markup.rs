//! Markup the parser let through: HTML entities and leftover Markdown.
//!
//! Text pasted from the web arrives with `&amp;` and `&#8212;`; a script that was not parsed
//! as Markdown (or was, but had stray marks) keeps `**`, `__`, `[text](url)`. espeak-ng reads
//! all of these aloud ("and amp", "asterisk asterisk", the whole URL), so they go first,
//! before any other rule looks at the text. Entities are decoded by `html-escape`; what they
//! decode to (`<`, `[`) is neutralized later by the safety rule.

use std::sync::LazyLock;

use regex::Regex;

/// `![alt](src)` and `[text](url)`: keep the visible text.
static LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"!?\[([^\[\]]*)\]\([^()\s]*(?:\s+[^()]*)?\)").expect("static pattern")
});

/// `_emphasis_` underscores at the edge of a word (inner ones, as in `snake_case`, stay).
static EDGE_UNDERSCORES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(^|[^\w])_+|_+([^\w]|$)").expect("static pattern"));

/// Heading marks and block quotes at the start of the line.
static LINE_MARKS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:#{1,6}|>+)\s+").expect("static pattern"));

/// Decodes entities and removes Markdown marks.
pub(super) fn apply(text: &str) -> String {
    let text = html_escape::decode_html_entities(text);
    let text = LINK.replace_all(&text, "$1");
    let text = LINE_MARKS.replace(&text, "");
    let text = EDGE_UNDERSCORES.replace_all(&text, "$1 $2");
    text.chars()
        .map(|c| match c {
            // Emphasis, strike-through, code spans and table rules carry no words.
            '*' | '`' | '|' | '~' => ' ',
            // Non-breaking and other odd spaces: plain ones, so every rule sees one kind.
            c if c.is_whitespace() => ' ',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::apply;

    fn tidy(text: &str) -> String {
        apply(text).split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn entities_are_decoded() {
        assert_eq!(tidy("Tom &amp; Jerry"), "Tom & Jerry");
        assert_eq!(tidy("a&nbsp;b &#8212; c &quot;d&quot;"), "a b — c \"d\"");
    }

    #[test]
    fn markdown_marks_are_dropped() {
        assert_eq!(tidy("**bold** text"), "bold text");
        assert_eq!(tidy("__bold__ and _it_ and *it*"), "bold and it and it");
        assert_eq!(tidy("keep snake_case"), "keep snake_case");
        assert_eq!(tidy("`code` ~~old~~"), "code old");
        assert_eq!(tidy("## Heading"), "Heading");
    }

    #[test]
    fn links_keep_their_text() {
        assert_eq!(tidy("[link](https://x.org) text"), "link text");
        assert_eq!(
            tidy("see [the site](http://a.b/c \"title\")."),
            "see the site."
        );
        assert_eq!(tidy("![]() |"), "");
        assert_eq!(tidy("![a map](map.png)"), "a map");
    }
}
