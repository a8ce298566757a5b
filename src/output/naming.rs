//! Paragraph file names and titles.
//!
//! File names must be safe on every file system and in every playlist, and must sort in
//! play order in a plain directory listing: so they are ASCII `[a-z0-9-]`, numbered with
//! as many zero-padded digits as the largest number needs, never a name Windows reserves.
//! Titles are what a player shows: the paragraph's first words, cut at a word.

/// Characters dropped inside a word, so `it's` becomes `its`, not `it-s`.
const APOSTROPHES: &[char] = &['\'', '\u{2019}', '\u{02BC}'];

/// Latin letters with diacritics (and a few ligatures) and their ASCII spelling.
const FOLDS: &[(&str, &str)] = &[
    ("àáâãäåāăąǎȁȃȧ", "a"),
    ("ÀÁÂÃÄÅĀĂĄǍȀȂȦ", "a"),
    ("æ", "ae"),
    ("Æ", "ae"),
    ("çćĉċč", "c"),
    ("ÇĆĈĊČ", "c"),
    ("ďđð", "d"),
    ("ĎĐÐ", "d"),
    ("èéêëēĕėęěȅȇ", "e"),
    ("ÈÉÊËĒĔĖĘĚȄȆ", "e"),
    ("ĝğġģ", "g"),
    ("ĜĞĠĢ", "g"),
    ("ĥħ", "h"),
    ("ĤĦ", "h"),
    ("ìíîïĩīĭįıǐȉȋ", "i"),
    ("ÌÍÎÏĨĪĬĮİǏȈȊ", "i"),
    ("ĳ", "ij"),
    ("Ĳ", "ij"),
    ("ĵ", "j"),
    ("Ĵ", "j"),
    ("ķ", "k"),
    ("Ķ", "k"),
    ("ĺļľŀł", "l"),
    ("ĹĻĽĿŁ", "l"),
    ("ñńņňŉ", "n"),
    ("ÑŃŅŇ", "n"),
    ("òóôõöøōŏőǒȍȏ", "o"),
    ("ÒÓÔÕÖØŌŎŐǑȌȎ", "o"),
    ("œ", "oe"),
    ("Œ", "oe"),
    ("ŕŗř", "r"),
    ("ŔŖŘ", "r"),
    ("śŝşšș", "s"),
    ("ŚŜŞŠȘ", "s"),
    ("ß", "ss"),
    ("ẞ", "ss"),
    ("ţťŧț", "t"),
    ("ŢŤŦȚ", "t"),
    ("þ", "th"),
    ("Þ", "th"),
    ("ùúûüũūŭůűųǔȕȗ", "u"),
    ("ÙÚÛÜŨŪŬŮŰŲǓȔȖ", "u"),
    ("ŵ", "w"),
    ("Ŵ", "w"),
    ("ýÿŷ", "y"),
    ("ÝŸŶ", "y"),
    ("źżž", "z"),
    ("ŹŻŽ", "z"),
];

/// Device names Windows reserves whatever the extension (compared case-insensitively).
const WINDOWS_RESERVED: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// The slug used when a title has no letter or digit we can spell in ASCII.
const FALLBACK: &str = "paragraph";

/// A file-name-safe form of `title`: ASCII lowercase letters, digits and single `-`.
///
/// Accented Latin letters lose their accents (`Café` → `cafe`), apostrophes vanish,
/// anything else separates words. A slug longer than `max_len` is cut at the last word
/// boundary that fits (mid-word only when the first word alone is too long). Never empty:
/// a title with nothing to keep gives `paragraph`. A Windows device name (`con`, `nul`,
/// `com1`...) gets `-paragraph` appended. Only those two fallbacks may exceed `max_len`.
pub fn slug(title: &str, max_len: usize) -> String {
    let mut out = String::with_capacity(title.len());
    let mut pending_dash = false;
    for c in title.chars().filter(|c| !APOSTROPHES.contains(c)) {
        let spelled = fold(c);
        if spelled.is_empty() {
            pending_dash = true;
            continue;
        }
        if pending_dash && !out.is_empty() {
            out.push('-');
        }
        pending_dash = false;
        out.push_str(&spelled);
    }
    let out = cut_at_dash(&out, max_len);
    if out.is_empty() {
        FALLBACK.to_owned()
    } else if WINDOWS_RESERVED.contains(&out) {
        format!("{out}-{FALLBACK}")
    } else {
        out.to_owned()
    }
}

/// `c` as lowercase ASCII letters and digits; empty for a separator.
fn fold(c: char) -> String {
    if c.is_ascii_alphanumeric() {
        return c.to_ascii_lowercase().to_string();
    }
    FOLDS
        .iter()
        .find(|(from, _)| from.contains(c))
        .map(|(_, to)| (*to).to_owned())
        .unwrap_or_default()
}

/// The longest prefix of `slug` (ASCII) within `max_len` ending at a word boundary.
fn cut_at_dash(slug: &str, max_len: usize) -> &str {
    if slug.len() <= max_len {
        return slug;
    }
    let cut = match slug.as_bytes().get(max_len) {
        Some(b'-') => max_len,
        _ => slug[..max_len].rfind('-').unwrap_or(max_len),
    };
    slug[..cut].trim_end_matches('-')
}

/// `NN-slug.wav`: `index` zero-padded to the digits of `total` (at least two), so the
/// names sort in play order even past 99 paragraphs: `file_name(7, 150, "x")` is
/// `007-x.wav`.
pub fn file_name(index: usize, total: usize, slug: &str) -> String {
    let width = total.max(index).to_string().len().max(2);
    format!("{index:0width$}-{slug}.wav")
}

/// Characters not to leave before the ellipsis of a cut title.
const TRAILING_PUNCTUATION: &[char] = &[
    ',', ';', ':', '.', '!', '?', '-', '\u{2013}', '\u{2014}', '\u{2026}', '\u{00B7}', '/',
];

/// The first words of `text` on one line, at most `max_chars` characters: cut at a word
/// boundary with `…` appended (counted in `max_chars`) and no punctuation before it.
/// A first word longer than the room left is cut inside.
pub fn title_from_text(text: &str, max_chars: usize) -> String {
    let line = super::fmt::one_line(text);
    if line.chars().count() <= max_chars {
        return line;
    }
    let room = max_chars.saturating_sub(1);
    // Byte offset just past `room` characters.
    let limit = line.char_indices().nth(room).map_or(line.len(), |(i, _)| i);
    // The cut may fall right after a word, or before punctuation that goes anyway.
    let rest = line[limit..].trim_start_matches(TRAILING_PUNCTUATION);
    let head = if rest.is_empty() || rest.starts_with(' ') {
        &line[..limit]
    } else {
        line[..limit]
            .rfind(' ')
            .map_or(&line[..limit], |i| &line[..i])
    };
    let head = head.trim_end_matches(|c: char| c == ' ' || TRAILING_PUNCTUATION.contains(&c));
    format!("{head}\u{2026}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_spells_titles_in_ascii() {
        assert_eq!(slug("It is abundantly clear", 40), "it-is-abundantly-clear");
        assert_eq!(
            slug("Café crème, naïve Æsop!", 40),
            "cafe-creme-naive-aesop"
        );
        assert_eq!(slug("Straße Łódź Œuvre", 40), "strasse-lodz-oeuvre");
        assert_eq!(slug("It's what’s next", 40), "its-whats-next");
        assert_eq!(slug("  --Hello---World--  ", 40), "hello-world");
    }

    #[test]
    fn slug_drops_reserved_characters() {
        let s = slug(r#"a/b\c:d*e?f"g<h>i|j.k%l&m"#, 80);
        assert_eq!(s, "a-b-c-d-e-f-g-h-i-j-k-l-m");
        assert!(s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
    }

    #[test]
    fn slug_cuts_at_a_word_boundary() {
        assert_eq!(slug("it is abundantly clear", 15), "it-is");
        assert_eq!(slug("it is abundantly clear", 16), "it-is-abundantly");
        assert_eq!(slug("it is abundantly clear", 17), "it-is-abundantly");
        assert_eq!(slug("antidisestablishment", 6), "antidi");
        assert!(slug("one two three four five six", 10).len() <= 10);
    }

    #[test]
    fn slug_is_never_empty() {
        assert_eq!(slug("", 40), "paragraph");
        assert_eq!(slug("!!! — ???", 40), "paragraph");
        assert_eq!(slug("日本語", 40), "paragraph");
        assert_eq!(slug("hello", 0), "paragraph");
    }

    #[test]
    fn slug_avoids_windows_device_names() {
        assert_eq!(slug("CON", 40), "con-paragraph");
        assert_eq!(slug("nul.", 40), "nul-paragraph");
        assert_eq!(slug("Com1", 40), "com1-paragraph");
        assert_eq!(slug("con game", 40), "con-game");
        assert_eq!(slug("con game", 5), "con-paragraph");
    }

    #[test]
    fn file_name_pads_to_the_total() {
        assert_eq!(file_name(7, 150, "x"), "007-x.wav");
        assert_eq!(file_name(1, 3, "intro"), "01-intro.wav");
        assert_eq!(file_name(12, 9, "x"), "12-x.wav");
        assert_eq!(file_name(1000, 1000, "x"), "1000-x.wav");
    }

    #[test]
    fn file_names_sort_in_play_order() {
        for total in [3, 99, 100, 150, 1000] {
            let names: Vec<String> = (1..=total)
                .map(|i| file_name(i, total, &slug(&format!("Part {}", total - i), 40)))
                .collect();
            let mut sorted = names.clone();
            sorted.sort();
            assert_eq!(names, sorted, "total {total}");
        }
    }

    #[test]
    fn title_keeps_short_text_whole() {
        assert_eq!(title_from_text("Short one.", 40), "Short one.");
        assert_eq!(title_from_text("  Two\nlines ", 40), "Two lines");
        assert_eq!(title_from_text("", 40), "");
    }

    #[test]
    fn title_is_cut_at_a_word_with_an_ellipsis() {
        let text = "It is abundantly clear, she said, that nothing is clear.";
        assert_eq!(title_from_text(text, 30), "It is abundantly clear, she…");
        assert_eq!(title_from_text(text, 24), "It is abundantly clear…");
        assert_eq!(title_from_text(text, 23), "It is abundantly clear…");
        assert_eq!(title_from_text(text, 22), "It is abundantly…");
        for max in 2..text.len() {
            let title = title_from_text(text, max);
            assert!(title.chars().count() <= max, "{max}: {title}");
            assert!(title.ends_with('…'), "{max}: {title}");
        }
    }

    #[test]
    fn title_cuts_a_long_first_word() {
        assert_eq!(
            title_from_text("Antidisestablishmentarianism rules", 8),
            "Antidis…"
        );
        assert_eq!(title_from_text("Ééééééééé", 4), "Ééé…");
    }
}
