use std::collections::BTreeSet;
use std::path::Path;

use super::compare::{distance, DISAGREES};
use super::scan::{scan, Candidate};
use super::sounds::{arpabet_to_espeak, from_arpabet, from_espeak};
use super::*;
use crate::engine::espeak::word_mnemonics;
use crate::script::prepare;
use crate::text::parse::parse;
use crate::text::Format;

/// espeak-ng phoneme names, written as `word_mnemonics` returns them, from a `·`-separated
/// string (`"b·'0·t#·@L"`).
fn names(separated: &str) -> Vec<String> {
    separated.split('·').map(str::to_owned).collect()
}

/// The price of reading the dictionary's `arpabet` as espeak-ng's `separated` names.
fn price(arpabet: &str, separated: &str) -> u32 {
    let phones: Vec<&str> = arpabet.split(' ').collect();
    distance(&from_arpabet(&phones), &from_espeak(&names(separated)))
}

fn sample() -> String {
    let root = env!("CARGO_MANIFEST_DIR");
    std::fs::read_to_string(format!("{root}/script/essay.txt")).expect("the sample script")
}

// The phoneme comparison.

#[test]
fn same_sounds_in_either_notation_cost_nothing() {
    // Flap, syllabic l; r-coloured vowels; "ch"; a happy-tensed final vowel.
    assert_eq!(price("B AA1 T AH0 L", "b·'0·t#·@L"), 0);
    assert_eq!(price("M AO1 R", "m·'o@"), 0);
    assert_eq!(price("Y IH1 R", "j·'i@3"), 0);
    assert_eq!(price("K AE1 P AH0 T AH0 L", "k·'a·p·I·t#·@L"), 0);
    assert_eq!(price("K AE1 CH IH0 NG", "k·'a·tS·I·N"), 0);
    assert_eq!(price("AE1 N T AH0 N IY0", "'a·n·t·@·n·i"), 0);
}

#[test]
fn vowels_merged_in_general_american_match() {
    // lot/thought ("caught" with AO, espeak-ng's 0); marry/merry before r; near before r.
    assert_eq!(price("K AO1 T", "k·'0·t"), 0);
    assert_eq!(
        price("T R AE0 N S P EH1 R AH0 N T", "t·r·a·n·s·p·'a·r·@·n·t"),
        0
    );
    assert_eq!(price("HH IY1 R", "h·'i@3"), 0);
}

#[test]
fn separated_names_read_vowel_as_diphthong_and_syllabic_l() {
    // Run together, "aU@L" would read as aU@ + L and cost an extra vowel and /r/.
    assert_eq!(price("V AW1 AH0 L", "v·'aU·@L"), 0);
}

#[test]
fn unstressed_vowels_differing_is_not_a_disagreement() {
    // "denuclearization": reduced vowels of other qualities, a secondary stress kept.
    let price = price(
        "D IY0 N UW2 K L IY0 ER2 AH0 Z EY1 SH AH0 N",
        "d·I#·n·,u:·k·l·i@3·r·I#·z·'eI·S·@·n",
    );
    assert!(price < DISAGREES, "{price}");
}

#[test]
fn a_stress_moved_to_another_syllable_is_not_a_disagreement() {
    // "applicable": AP-plicable in the dictionary, ap-PLIC-able from espeak-ng.
    let price = price("AE1 P L AH0 K AH0 B AH0 L", "a#·p·l·'I·k·@·b·@L");
    assert!(price < DISAGREES, "{price}");
}

#[test]
fn accent_variants_are_not_disagreements() {
    let cheap = [
        ("T R AE0 N Z AE1 K SH AH0 N", "t·r·a·n·s·'a·k·S·@·n"), // s or z
        (
            "IH2 N D AH0 V IH1 JH AH0 W AH0 L",
            ",I·n·d·I#·v·'I·dZ·u:·@L",
        ), // glide
        ("D UW2 P L AH0 K EY1 SH AH0 N", "d·,u:·p·l·I2·k·'eI·S·@·n"), // yod
        ("D AY0 R EH1 K L IY0", "d·I#·r·'E·k·t·l·i"),           // t between consonants
        ("S IH1 NG AH0 P AO2 R", "s·'I·N·g·a#·p·,o@"),          // g after ng
    ];
    for (arpabet, espeak) in cheap {
        let price = price(arpabet, espeak);
        assert!(price < DISAGREES, "{arpabet} / {espeak}: {price}");
    }
}

#[test]
fn another_main_vowel_disagrees() {
    // Pyongyang: the dictionary's "-yang" as in "bang", espeak-ng's as in "father".
    assert!(price("P Y AO1 NG Y AE1 NG", "p·j·0·N·j·'A:·N") >= DISAGREES);
    // Pompeo: "POHM-" against "POM-".
    assert!(price("P OW1 M P IY0 OW0", "p·'0·m·p·I2·;·,oU") >= DISAGREES);
}

#[test]
fn another_consonant_disagrees() {
    // "Jae" read "Yee".
    assert!(price("JH EY1", "j·'i:") >= DISAGREES);
    assert!(price("K AE1 T", "k·'a·p") >= DISAGREES);
}

#[test]
fn a_main_vowel_reduced_disagrees() {
    // Yongbyon: "-byon" read "-bee-un".
    assert!(price("Y AO1 NG B Y AO1 N", "j·'0·N·b·I·;·@·n") >= DISAGREES);
}

#[test]
fn dictionary_pronunciations_become_espeak_ng_mnemonics() {
    let phones = ["P", "Y", "AO1", "NG", "Y", "AE1", "NG"];
    assert_eq!(arpabet_to_espeak(&phones), "pj'O:Nj'aN");
    let phones = ["D", "IH0", "N", "UW2", "K", "L", "IY0", "ER0", "CH"];
    assert_eq!(arpabet_to_espeak(&phones), "dIn,u:kli3tS");
}

#[test]
fn suggested_phonemes_are_read_back_as_the_dictionary_says() {
    let words = [
        "pyongyang",
        "yongbyon",
        "pompeo",
        "yahoo",
        "denuclearization",
        "bottle",
    ];
    let pronunciations: Vec<Vec<&str>> = words.iter().map(|w| dict::lookup(w)[0].clone()).collect();
    for (word, phones) in words.iter().zip(&pronunciations) {
        // Phoneme input is read by the CLI (and by synthesis), not by espeak_TextToPhonemes.
        let input = format!("[[{}]]", arpabet_to_espeak(phones));
        let cli = std::process::Command::new("espeak-ng")
            .args(["-v", "en-us", "-q", "-x", "--sep=·", &input])
            .output()
            .expect("the espeak-ng CLI is installed on development machines");
        let printed = String::from_utf8_lossy(&cli.stdout);
        let names: Vec<&str> = printed
            .split(['·', ' ', '\n'])
            .filter(|n| !n.is_empty())
            .collect();
        let price = distance(&from_arpabet(phones), &from_espeak(&names));
        assert_eq!(price, 0, "{word}: {input} read back as {names:?}");
    }
}

#[test]
fn the_samples_common_words_agree_with_the_dictionary() {
    let text = sample();
    let words: BTreeSet<String> = text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() > 1)
        .map(str::to_lowercase)
        .filter(|w| !dict::lookup(w).is_empty())
        .collect();
    assert!(words.len() > 350, "{}", words.len());
    let list: Vec<&str> = words.iter().map(String::as_str).collect();
    let said = word_mnemonics(&list, "en-us").expect("libespeak-ng is installed");
    let disagree: Vec<&str> = list
        .iter()
        .zip(&said)
        .filter(|(word, names)| {
            let engine = from_espeak(names);
            dict::lookup(word)
                .iter()
                .map(|v| distance(&from_arpabet(v), &engine))
                .min()
                .is_some_and(|d| d >= DISAGREES)
        })
        .map(|(word, _)| *word)
        .collect();
    // Names espeak-ng gets wrong, and the byline's mail host; no common word.
    assert_eq!(
        disagree,
        ["jae", "pompeo", "pyongyang", "yahoo", "yongbyon"]
    );
}

// The categories of a sentence's words.

fn candidates(text: &str) -> Vec<Candidate> {
    scan(
        text,
        &crate::text::normalize::speech(text, &Lexicon::default()),
    )
}

fn written(found: &[Candidate]) -> Vec<&str> {
    found.iter().map(judge::written).collect()
}

#[test]
fn words_a_rule_rewrote_are_not_candidates() {
    let found = candidates("In the 1990s COVID-19 cost approx. 10 dollars.");
    let found = written(&found);
    assert!(
        !found
            .iter()
            .any(|w| w.contains("199") || w.contains("COVID") || *w == "approx"),
        "{found:?}"
    );
    assert!(
        found.contains(&"dollars") && found.contains(&"cost"),
        "{found:?}"
    );
}

#[test]
fn plain_numbers_are_left_to_the_engine() {
    let found = candidates("Some 30 of 1,200 people, 4.5% of them, came 21st at 10:30.");
    assert!(
        !found.iter().any(|c| matches!(c, Candidate::Number(_))),
        "{found:?}"
    );
}

#[test]
fn numbers_and_symbols_no_rule_rewrote_are_listed() {
    // "3pm" is not listed: a rule reads it as "3 p.m.".
    let found = candidates("Play the MP3 at 3pm on the 4K screen, #hashtag → done.");
    assert!(
        found.contains(&Candidate::Number("MP3".into())),
        "{found:?}"
    );
    assert!(found.contains(&Candidate::Number("4K".into())), "{found:?}");
    assert!(
        !found.contains(&Candidate::Number("3pm".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&Candidate::Symbol("#hashtag".into())),
        "{found:?}"
    );
    assert!(found.contains(&Candidate::Symbol("→".into())), "{found:?}");
}

#[test]
fn acronyms_are_capitals_without_dots_and_initials_are_skipped() {
    let found = candidates("NATO and the U.S. met in Washington, D.C. on Monday.");
    let acronym = Candidate::Acronym {
        word: "NATO".into(),
        spelled: "N.A.T.O.".into(),
    };
    assert!(found.contains(&acronym), "{found:?}");
    assert!(
        !written(&found)
            .iter()
            .any(|w| w.contains("U.S") || w.contains("D.C")),
        "{found:?}"
    );
}

#[test]
fn words_inside_a_rewritten_address_carry_the_address() {
    let found = candidates("Write to johnburtonft@yahoo.com today.");
    let word = Candidate::Word {
        word: "johnburtonft".into(),
        rewritten_chunk: Some("johnburtonft@yahoo.com".into()),
        first: false,
    };
    assert!(found.contains(&word), "{found:?}");
}

#[test]
fn words_the_lexicon_replaced_are_not_candidates() {
    let source = "[[word]]\ntext = \"Jae-in\"\nsay = \"Jay-in\"\n\n[[word]]\ntext = \"a@b.org\"\nsay = \"yahoo\"\n";
    let entries = LexiconEntries::parse(source, Path::new("lexicon.toml")).expect("valid");
    let text = "Moon Jae-in wrote to a@b.org today.";
    let found = scan(text, &crate::text::normalize::speech(text, entries.mask()));
    let found = written(&found);
    assert!(
        !found.contains(&"Jae-in") && !found.contains(&"yahoo"),
        "{found:?}"
    );
    assert!(found.contains(&"Moon"), "{found:?}");
}

// Judging, with phonemes given.

fn judge_with(candidate: &Candidate, said: &[(&str, &str)]) -> Option<Finding> {
    let said: Vec<(&str, Vec<String>)> = said.iter().map(|(t, n)| (*t, names(n))).collect();
    let lookup = |text: &str| -> &[String] {
        said.iter()
            .find(|(t, _)| *t == text)
            .map_or(&[], |(_, n)| n.as_slice())
    };
    judge::judge(candidate, &lookup)
}

fn word(word: &str, first: bool) -> Candidate {
    Candidate::Word {
        word: word.into(),
        rewritten_chunk: None,
        first,
    }
}

#[test]
fn name_compounds_are_unknown_even_when_their_parts_are_words() {
    let said = [
        ("Jong-un", "dZ·'0·N·'V·n"),
        ("Jong", "dZ·'0·N"),
        ("un", "'V·n"),
    ];
    let finding = judge_with(&word("Jong-un", false), &said).expect("listed");
    assert_eq!(finding.kind, Kind::Unknown);
    assert_eq!(finding.phonemes, "dZ'0N'Vn");
}

#[test]
fn common_compounds_are_judged_part_by_part() {
    let said = [
        ("long-range", "l·'0·N·r·'eI·n·dZ"),
        ("long", "l·'0·N"),
        ("range", "r·'eI·n·dZ"),
    ];
    assert_eq!(judge_with(&word("long-range", false), &said), None);
    // At the start of a sentence a capital says nothing about a name.
    let said = [
        ("Long-range", "l·'0·N·r·'eI·n·dZ"),
        ("Long", "l·'0·N"),
        ("range", "r·'eI·n·dZ"),
    ];
    assert_eq!(judge_with(&word("Long-range", true), &said), None);
}

#[test]
fn a_part_the_engine_says_otherwise_is_the_word_listed() {
    let said = [("U.S.-Yahoo", ""), ("Yahoo", "j·'a·h·u:")];
    let finding = judge_with(&word("U.S.-Yahoo", false), &said).expect("listed");
    assert_eq!(
        (finding.word.as_str(), finding.kind),
        ("Yahoo", Kind::Disagrees)
    );
    assert_eq!(finding.note.as_deref(), Some("dictionary: Y AA1 HH UW2"));
    assert!(
        finding
            .entry
            .contains("text = \"Yahoo\"\nphonemes = \"j'A:h,u:\""),
        "{}",
        finding.entry
    );
}

#[test]
fn possessives_are_looked_up_without_their_s() {
    let said = [("Pyongyang", "p·j·0·N·j·'A:·N")];
    let finding = judge_with(&word("Pyongyang's", false), &said).expect("listed");
    assert_eq!(finding.word, "Pyongyang");
    assert_eq!(finding.kind, Kind::Disagrees);
}

#[test]
fn unknown_words_get_a_respelling_to_edit() {
    let said = [("Dongchang", "d·'0·N·tS·a·N")];
    let finding = judge_with(&word("Dongchang", false), &said).expect("listed");
    assert_eq!(finding.kind, Kind::Unknown);
    assert_eq!(
        finding.entry,
        "# Dongchang: espeak-ng says d'0NtSaN; not in the dictionary; respell it\n\
         [[word]]\ntext = \"Dongchang\"\nsay = \"Dongchang\"\n"
    );
}

#[test]
fn an_acronym_says_whether_it_is_spelled() {
    let nato = Candidate::Acronym {
        word: "NATO".into(),
        spelled: "N.A.T.O.".into(),
    };
    let said = [
        ("NATO", "n·'eI·t#·oU"),
        ("N.A.T.O.", ",E·n·,eI·t·,i:·;·'oU"),
    ];
    let finding = judge_with(&nato, &said).expect("listed");
    assert_eq!(finding.note.as_deref(), Some("read as a word"));
    assert!(
        finding
            .entry
            .contains("say = \"N.A.T.O.\"\ncase-sensitive = true"),
        "{}",
        finding.entry
    );
    let fbi = Candidate::Acronym {
        word: "FBI".into(),
        spelled: "F.B.I.".into(),
    };
    let said = [("FBI", ",E·f·b·,i:·;·'aI"), ("F.B.I.", "'E·f·b·,i:·;·'aI")];
    let finding = judge_with(&fbi, &said).expect("listed");
    assert_eq!(finding.note.as_deref(), Some("spelled letter by letter"));
    assert!(finding.entry.contains("say = \"Fbi\""), "{}", finding.entry);
}

#[test]
fn every_suggested_entry_is_a_valid_lexicon() {
    let cases = [
        (word("Dongchang", false), vec![("Dongchang", "d·'0·N")]),
        (
            word("Pyongyang", false),
            vec![("Pyongyang", "p·j·0·N·j·'A:·N")],
        ),
        (Candidate::Symbol("a\"b→".into()), vec![("a\"b→", "a#")]),
        (
            Candidate::Word {
                word: "johnburtonft".into(),
                rewritten_chunk: Some("johnburtonft@yahoo.com".into()),
                first: false,
            },
            vec![("johnburtonft", "dZ·'0·n")],
        ),
    ];
    for (candidate, said) in &cases {
        let finding = judge_with(candidate, said).expect("listed");
        let lexicon = Lexicon::parse(&finding.entry, Path::new("lexicon.toml"));
        assert!(lexicon.is_ok_and(|l| l.len() == 1), "{}", finding.entry);
    }
}

// Lexicon entries, and the whole check with phonemes given.

#[test]
fn entries_matching_nothing_are_listed_with_their_lines() {
    let source = "# names\n[[word]]\ntext = \"Jae-in\"\nsay = \"Jay-in\"\n\n[[word]]\ntext = \"Seoul\"\nsay = \"Sole\"\n\n[[word]]\ntext = \"nato\"\nsay = \"x\"\ncase-sensitive = true\n";
    let entries = LexiconEntries::parse(source, Path::new("lex.toml")).expect("valid");
    let unused = entries.unused(["Moon Jae-in and NATO met."].into_iter());
    let listed: Vec<(&str, usize)> = unused.iter().map(|u| (u.text.as_str(), u.line)).collect();
    assert_eq!(listed, [("Seoul", 6), ("nato", 10)]);
}

#[test]
fn a_malformed_lexicon_names_its_line() {
    let source = "[[word]]\ntext = \"a\"\nsay = \"b\"\n\n[[word]]\ntext = \"c\"\n";
    let err = LexiconEntries::parse(source, Path::new("lex.toml")).expect_err("no say");
    assert_eq!(err.line, 5, "{err}");
}

#[test]
fn each_text_is_phonemized_once_and_words_counted_once() {
    let doc = parse(
        "Pyongyang spoke. Pyongyang again.\n\nThen Pyongyang and NATO, and Dongchang.\n",
        Format::Plain,
    );
    let paragraphs = prepare(&doc, &Lexicon::default());
    // The dictionary's reading, but Pyongyang's as espeak-ng says it.
    let fake = |text: &str| match dict::lookup(text).first() {
        _ if text == "Pyongyang" => names("p·j·0·N·j·'A:·N"),
        Some(phones) => phones.iter().map(|p| arpabet_to_espeak(&[p])).collect(),
        None => names("d·'0"),
    };
    let mut asked = Vec::new();
    let report = check_with(&paragraphs, &LexiconEntries::default(), "en-us", |texts| {
        asked = texts.iter().map(|t| t.to_string()).collect();
        Ok(texts.iter().map(|t| fake(t)).collect())
    })
    .expect("no engine needed");
    let unique: BTreeSet<&String> = asked.iter().collect();
    assert_eq!(unique.len(), asked.len(), "{asked:?}");
    assert_eq!(report.paragraphs.len(), 2);
    let second: Vec<&str> = report.paragraphs[1]
        .findings
        .iter()
        .map(|f| f.word.as_str())
        .collect();
    assert_eq!(second, ["Pyongyang", "NATO", "Dongchang"]);
    assert_eq!(report.summary.words, 3, "{:?}", report.summary);
    assert_eq!((report.summary.unknown, report.summary.acronyms), (1, 1));
}
