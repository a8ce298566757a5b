//! Throughput of the text stage (parse, segment, normalize) on the sample essay, without
//! audio. `cargo bench --bench text`; benches/bench.py compares it with synthesis time.

use std::time::Instant;

use narrate::text::normalize::Lexicon;
use narrate::text::{parse::parse, Format};

fn main() {
    let root = env!("CARGO_MANIFEST_DIR");
    let script =
        std::fs::read_to_string(format!("{root}/script/essay.txt")).expect("sample script");
    let lexicon_path = std::path::Path::new(root).join("script/lexicon.toml");
    let lexicon = std::fs::read_to_string(&lexicon_path)
        .ok()
        .and_then(|s| Lexicon::parse(&s, &lexicon_path).ok())
        .unwrap_or_default();
    let rounds = 300;
    let mut sentences = 0;
    // Warm up once, then time.
    let doc = parse(&script, Format::Plain);
    let _ = narrate::script::prepare(&doc, &lexicon);
    let start = Instant::now();
    for _ in 0..rounds {
        let doc = parse(&script, Format::Plain);
        let prepared = narrate::script::prepare(&doc, &lexicon);
        sentences = prepared.iter().map(|p| p.sentences.len()).sum::<usize>();
    }
    let per_round = start.elapsed() / rounds;
    println!(
        "text stage: {:.3} ms per sample essay ({sentences} sentences, parse + segment + normalize + lexicon)",
        per_round.as_secs_f64() * 1000.0
    );
}
