//! The pronunciation lexicon, end to end: it changes exactly the paragraphs that contain its
//! words, and a malformed entry is reported with its line.

use crate::common::{narrate, root, sample_output, snapshot, stderr, wavs};

#[test]
fn sample_with_and_without_lexicon_differs_exactly_in_paragraphs_with_lexicon_words() {
    let (with, _) = sample_output();
    let dir = tempfile::tempdir().expect("tempdir");
    let without = dir.path().join("out");
    let o = narrate(&root())
        .args(["script/essay.txt", "--no-lexicon", "-q", "-o"])
        .arg(&without)
        .output()
        .expect("run");
    assert!(o.status.success(), "{}", stderr(&o));

    let lexicon = std::fs::read_to_string(root().join("script/lexicon.toml")).expect("lexicon");
    let words: Vec<String> = lexicon
        .lines()
        .filter_map(|l| l.trim().strip_prefix("text = "))
        .map(|v| v.trim_matches('"').to_lowercase())
        .collect();
    assert!(words.len() >= 5, "{words:?}");
    let script = std::fs::read_to_string(root().join("script/essay.txt")).expect("script");
    let paragraphs: Vec<&str> = script
        .lines()
        .filter(|l| l.chars().any(char::is_alphanumeric))
        .collect();
    assert_eq!(paragraphs.len(), 13);

    let (a, b) = (wavs(with), wavs(&without));
    assert_eq!(a.len(), 13);
    assert_eq!(b.len(), 13);
    let mut differing = Vec::new();
    for (i, (fa, fb)) in a.iter().zip(&b).enumerate() {
        let has_word = words
            .iter()
            .any(|w| paragraphs[i].to_lowercase().contains(w.as_str()));
        let differs = std::fs::read(fa).expect("a") != std::fs::read(fb).expect("b");
        assert_eq!(
            differs,
            has_word,
            "paragraph {}: differs={differs}, has lexicon word={has_word}",
            i + 1
        );
        if differs {
            differing.push(i + 1);
        }
    }
    assert!(differing.len() >= 4, "{differing:?}");
}

#[test]
fn malformed_lexicon_entry_names_file_and_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("s.txt"), "Hello Yongbyon.\n").expect("write");
    std::fs::write(
        dir.path().join("lexicon.toml"),
        "[[word]]\ntext = \"Yongbyon\"\nsay = \"Yong-byon\"\n\n[[word]]\ntext = \"Kim\"\n",
    )
    .expect("write");
    let out_dir = dir.path().join("out");
    let o = narrate(dir.path())
        .args(["s.txt", "-o"])
        .arg(&out_dir)
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("lexicon.toml:5") || err.contains("lexicon.toml:6"),
        "{err}"
    );
    assert!(!out_dir.exists() || snapshot(&out_dir).is_empty());
}

#[test]
fn text_json_shows_the_lexicon_in_speech_and_the_written_form_in_text() {
    let o = narrate(&root())
        .args(["text", "script/essay.txt", "--json"])
        .output()
        .expect("run");
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let sentences: Vec<&serde_json::Value> = json["paragraphs"]
        .as_array()
        .expect("paragraphs")
        .iter()
        .flat_map(|p| p["sentences"].as_array().expect("sentences"))
        .collect();
    let byline = sentences
        .iter()
        .find(|s| {
            s["text"]
                .as_str()
                .is_some_and(|t| t.contains("johnburtonft@yahoo.com"))
        })
        .expect("the byline");
    assert!(byline["speech"]
        .as_str()
        .expect("speech")
        .contains("at yahoo dot com"));
    let decades = sentences
        .iter()
        .find(|s| {
            s["text"]
                .as_str()
                .is_some_and(|t| t.contains("1980s and 1990s"))
        })
        .expect("the decades");
    assert!(decades["speech"]
        .as_str()
        .expect("speech")
        .contains("nineteen eighties and nineteen nineties"));
}
