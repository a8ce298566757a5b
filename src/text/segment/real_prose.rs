//! The real-prose evaluation set: sentence ends in news, court opinions, reports, essays and
//! public-domain books, each case cited in `tests/fixtures/real_prose_boundaries.jsonl`.
//!
//! The Golden Rules are short made-up sentences; this set is real text, gathered before the
//! rules it measures were written, and never edited to pass. The test prints the score and
//! every miss, and fails only when the score drops below [`FLOOR`], the figure reached so far.

use super::sentences;

const CASES: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/real_prose_boundaries.jsonl"
));

/// Cases split exactly, at least: raise it when the rules improve, never lower it.
const FLOOR: usize = 118;

#[derive(serde::Deserialize)]
struct Case {
    id: String,
    source: String,
    text: String,
    expected: Vec<String>,
}

#[test]
fn real_prose_boundaries() {
    let mut exact = 0;
    let mut total = 0;
    for line in CASES.lines().filter(|line| !line.trim().is_empty()) {
        let case: Case = serde_json::from_str(line).expect("fixture lines are JSON");
        assert!(!case.source.is_empty(), "{} cites no source", case.id);
        total += 1;
        let got = sentences(&case.text);
        if got == case.expected {
            exact += 1;
        } else {
            println!(
                "MISS {}:\n  got      {got:?}\n  expected {:?}",
                case.id, case.expected
            );
        }
    }
    println!(
        "real prose boundaries: {exact}/{total} exact ({:.1} %)",
        100.0 * exact as f64 / total as f64
    );
    assert!(total >= 100, "the set holds {total} cases");
    assert!(
        exact >= FLOOR,
        "real prose boundaries: {exact}/{total}, floor {FLOOR}"
    );
}
