//! Titles and file names for paragraphs. (temporary: being written)

/// The paragraph's first words, cut at a word boundary.
pub fn title_from_text(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max_chars).collect();
    let cut = cut.rsplit_once(' ').map(|(a, _)| a).unwrap_or(&cut);
    format!("{}…", cut.trim_end_matches(|c: char| !c.is_alphanumeric()))
}

/// An ASCII slug.
pub fn slug(title: &str, max_len: usize) -> String {
    let mut s = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if !s.ends_with('-') {
            s.push('-');
        }
    }
    let s: String = s.chars().take(max_len).collect();
    let s = s.trim_matches('-').to_owned();
    if s.is_empty() {
        "paragraph".into()
    } else {
        s
    }
}

/// `NN-slug.wav`, zero-padded so names sort.
pub fn file_name(index: usize, total: usize, slug: &str) -> String {
    let width = total.to_string().len().max(2);
    format!("{index:0width$}-{slug}.wav")
}
