//! The real-prose evaluation set for spoken forms: tricky tokens (abbreviations, units,
//! years, money, names with numerals) in sentences from news, court opinions, reports,
//! essays and public-domain books, each cited in `tests/fixtures/real_prose_spoken.jsonl`.
//!
//! A case passes when what narrate sends to the engine contains one of the case's accepted
//! readings (compared without case, hyphens or extra spaces, small numbers as words). A written form is accepted
//! only where espeak-ng reads it right as written (measured, `shared/testdata`). Gathered
//! before the rules it measures; the test prints the score and fails only below [`FLOOR`].

use super::{speech, words, Lexicon};

const CASES: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/real_prose_spoken.jsonl"
));

/// Cases read as expected, at least: raise it when the rules improve, never lower it.
const FLOOR: usize = 104;

#[derive(serde::Deserialize)]
struct Case {
    id: String,
    source: String,
    text: String,
    written: String,
    spoken: Vec<String>,
}

/// Lowercase, hyphens as spaces, single spaces, and a number of one to three digits in words:
/// espeak-ng says those as cardinals ("20 to thirty" is heard "twenty to thirty").
fn loose(text: &str) -> String {
    text.to_lowercase()
        .replace(['-', '‑'], " ")
        .split_whitespace()
        .map(|word| {
            let digits = word.trim_end_matches([',', '.', ';', ':', ')']);
            let short =
                (1..=3).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
            match short.then(|| words::cardinal(digits)).flatten() {
                Some(spoken) => format!("{}{}", spoken.replace('-', " "), &word[digits.len()..]),
                None => word.to_owned(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn real_prose_spoken_forms() {
    let lexicon = Lexicon::default();
    let mut right = 0;
    let mut total = 0;
    for line in CASES.lines().filter(|line| !line.trim().is_empty()) {
        let case: Case = serde_json::from_str(line).expect("fixture lines are JSON");
        assert!(!case.source.is_empty(), "{} cites no source", case.id);
        assert!(
            case.text.contains(&case.written),
            "{}: {:?} is not in the text",
            case.id,
            case.written
        );
        total += 1;
        let said = loose(&speech(&case.text, &lexicon));
        if case.spoken.iter().any(|form| said.contains(&loose(form))) {
            right += 1;
        } else {
            println!(
                "MISS {} {:?}:\n  said     {said:?}\n  expected {:?}",
                case.id, case.written, case.spoken
            );
        }
    }
    println!(
        "real prose spoken forms: {right}/{total} ({:.1} %)",
        100.0 * right as f64 / total as f64
    );
    assert!(total >= 100, "the set holds {total} cases");
    assert!(
        right >= FLOOR,
        "real prose spoken forms: {right}/{total}, floor {FLOOR}"
    );
}
