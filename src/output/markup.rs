//! Text into HTML and XML, and templates filled in one pass.
//!
//! [`escape`] is the only way user text (script, titles, metadata) reaches the page, the
//! EPUB and the RSS item. It writes `&`, `<`, `>`, `"` and `'` as references, which is
//! right in HTML and XML text and in quoted attributes alike (so `]]>` and `</script>` are
//! plain text too), and drops what XML 1.0 cannot hold at all (C0 controls other than tab
//! and line ends, U+FFFE, U+FFFF). [`fill`] puts values into a template without reading
//! them again, so a script that says `{{script}}` stays text.

/// `text` as HTML/XML character data or a quoted attribute value.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// `template` with each `{{name}}` replaced by its value in `values`, in one pass: values
/// are never searched for markers. A marker with no value is left as it is (the page's
/// tests check that none is left).
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out =
        String::with_capacity(template.len() + values.iter().map(|v| v.1.len()).sum::<usize>());
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else {
            out.push_str(&rest[open..]);
            return out;
        };
        let name = &after[..close];
        match values.iter().find(|(n, _)| *n == name) {
            Some((_, value)) => out.push_str(value),
            None => out.push_str(&rest[open..open + 2 + close + 2]),
        }
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_leaves_no_markup_and_no_character_xml_forbids() {
        assert_eq!(
            escape("<script>a && b</script> \"q\" 'r' ]]>"),
            "&lt;script&gt;a &amp;&amp; b&lt;/script&gt; &quot;q&quot; &#39;r&#39; ]]&gt;"
        );
        assert_eq!(escape("a\u{0}b\u{7}c\u{FFFF}d\te"), "abcd\te");
        assert_eq!(escape("Café « voilà » 🎧"), "Café « voilà » 🎧");
    }

    #[test]
    fn fill_never_reads_a_value_again() {
        let out = fill(
            "<p>{{text}}</p><script>{{script}}</script>",
            &[("text", "{{script}}"), ("script", "run()")],
        );
        assert_eq!(out, "<p>{{script}}</p><script>run()</script>");
        assert_eq!(fill("no markers {", &[]), "no markers {");
        assert_eq!(fill("{{a}}{{", &[("a", "1")]), "1{{");
    }
}
