//! Paragraphs into sentences. (stub: being written)

/// Longest piece of text handed to the engine in one request, in characters.
pub const MAX_CHARS: usize = 400;

/// Splits a paragraph into sentences, as written (trimmed).
pub fn sentences(text: &str) -> Vec<String> {
    use unicode_segmentation::UnicodeSegmentation;
    text.unicode_sentences()
        .map(|s| s.trim().to_owned())
        .collect()
}

/// Cuts a sentence longer than `max_chars` characters into pieces at clause punctuation or
/// word boundaries; shorter sentences come back whole.
pub fn split_long(sentence: &str, max_chars: usize) -> Vec<String> {
    let _ = max_chars;
    vec![sentence.to_owned()]
}
