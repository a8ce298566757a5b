//! Whole-pipeline tests: the measured espeak-ng probes, the sample essay, engine safety.
//!
//! The probe rows come from `shared/testdata/espeak_probes.md` (espeak-ng 1.51, en-us):
//! every WRONG row that applies to English prose, with the text narrate must send instead,
//! and the OK rows that normalization must not disturb.

use std::path::Path;

use super::{speech, Lexicon};
use crate::text::segment;

const ESSAY: &str = include_str!("../../../script/essay.txt");
const SAMPLE_LEXICON: &str = include_str!("../../../script/lexicon.toml");

fn sample_lexicon() -> Lexicon {
    Lexicon::parse(SAMPLE_LEXICON, Path::new("script/lexicon.toml")).expect("sample lexicon")
}

fn plain(sentence: &str) -> String {
    speech(sentence, &Lexicon::default())
}

/// WRONG rows: written form -> what narrate sends to espeak-ng (no lexicon).
const WRONG: &[(&str, &str)] = &[
    ("the U.S. Government", "the U.S Government"),
    ("on Elm St. in 1990", "on Elm Street in nineteen ninety"),
    ("from Ft. Worth", "from Fort Worth"),
    ("to Mt. Hood", "to Mount Hood"),
    ("places, e.g. Paris", "places, for example Paris"),
    ("No. 5", "Number 5"),
    ("N°. 5", "number 5"),
    ("Smith vs. Jones", "Smith versus Jones"),
    ("on Jan. 5", "on January fifth"),
    ("Gov. Brown", "Governor Brown"),
    ("Sen. Brown", "Senator Brown"),
    ("a Ph.D. student", "a P H D student"),
    ("Lt. Col. Smith", "Lieutenant Colonel Smith"),
    ("$3.5 billion", "three point five billion dollars"),
    ("$100", "one hundred dollars"),
    ("$1,200", "one thousand two hundred dollars"),
    ("$4.99", "four dollars and ninety-nine cents"),
    ("£50", "fifty pounds"),
    ("1/2 cup", "one half cup"),
    ("50 km", "fifty kilometers"),
    ("in 1999", "in nineteen ninety-nine"),
    ("in 1905", "in nineteen oh five"),
    ("in 1880", "in eighteen eighty"),
    ("the 1980s", "the nineteen eighties"),
    ("the 1990s", "the nineteen nineties"),
    ("at 10:05", "at ten oh five"),
    ("at 12:00", "at twelve o'clock"),
    ("1990-1995", "nineteen ninety to nineteen ninety-five"),
    ("1990–1995", "nineteen ninety to nineteen ninety-five"),
    ("pages 10-12", "pages 10 to 12"),
    ("World War II", "World War two"),
    ("Henry VIII", "Henry the eighth"),
    ("Elizabeth II", "Elizabeth the second"),
    ("Chapter IV", "Chapter four"),
    ("Louis XIV", "Louis the fourteenth"),
    ("COVID-19", "Koh-vid nineteen"),
    ("johnburtonft@yahoo.com", "johnburtonft at yahoo dot com"),
    ("Kim ― demanding", "Kim — demanding"),
    ("#1", "number 1"),
    ("**bold** text", "bold text"),
    ("[link](https://x.org) text", "link text"),
    ("![]() |", ""),
    ("Tom &amp; Jerry", "Tom and Jerry"),
];

/// ACCEPTABLE rows narrate improves anyway.
const ACCEPTABLE: &[(&str, &str)] = &[
    ("St. Louis", "Saint Louis"),
    ("one, i.e. this", "one, that is this"),
    ("Acme Inc. said", "Acme Incorporated said"),
    ("in 2024", "in twenty twenty-four"),
    // espeak-ng says "etsetra"; issue 19 asks for the words.
    ("pens, pencils, etc.", "pens, pencils, et cetera."),
    // Read right either way; the rule that fixes `7:03pm` writes the periods.
    ("3:45 pm", "3:45 p.m."),
    ("https://example.org/a", "example dot org slash a"),
];

/// WRONG and ACCEPTABLE name rows, fixed by the shipped lexicon.
const NAMES: &[(&str, &str)] = &[
    ("Dongchang-ri", "Dongchang-ree"),
    ("Moon Jae-in", "Moon Jay-in"),
    ("Kim Jong-un", "Kim Jong-oon"),
    ("Yongbyon", "[[j'0Nbj,Vn]]"),
    ("Pompeo", "Pom-pay-oh"),
    ("johnburtonft@yahoo.com", "john burton F T at yahoo dot com"),
];

/// OK rows: espeak-ng reads them right as written, so they pass through untouched.
const UNTOUCHED: &[&str] = &[
    "the U.S. and",
    "the U.N. said",
    "Washington, D.C. today",
    "a D.C.-based writer",
    "Mr. Smith",
    "Mrs. Smith",
    "Dr. Jones",
    "at 5 a.m.",
    "at 6 p.m.",
    "John F. Kennedy",
    "J. R. R. Tolkien",
    "4.5%",
    "1,000,000 people",
    "3.14159",
    "-5 degrees",
    "in 2008",
    "30 years",
    "the 2000s",
    "the '90s",
    "the 90s",
    "21st",
    "the 2nd",
    "the 3rd",
    "the 101st",
    "at 10:30",
    "you and I",
    "F-16",
    "MP3",
    "NATO",
    "FBI",
    "Kim — demanding",
    "wait... then",
    "5 + 3",
    "Pyongyang",
    "Hanoi",
    "re-elected",
    "Four-Party Talks",
    "U.S.-South Korea",
    "Mr. smith went",
];

/// OK rows rewritten into a form espeak-ng reads the same way.
const EQUIVALENT: &[(&str, &str)] = &[
    ("on Main St. today", "on Main Street today"),
    ("fruit, e.g. apples", "fruit, for example apples"),
    ("salt & pepper", "salt and pepper"),
    ("www.example.com", "example dot com"),
];

#[test]
fn every_wrong_probe_is_rewritten() {
    for (written, expected) in WRONG.iter().chain(ACCEPTABLE).chain(EQUIVALENT) {
        assert_eq!(plain(written), *expected, "written: {written:?}");
    }
}

#[test]
fn names_are_fixed_by_the_sample_lexicon() {
    let lexicon = sample_lexicon();
    for (written, expected) in NAMES {
        assert_eq!(speech(written, &lexicon), *expected, "written: {written:?}");
    }
}

#[test]
fn ok_probes_are_left_alone() {
    for written in UNTOUCHED {
        assert_eq!(plain(written), *written);
    }
}

/// A period followed by a capital inside a sentence makes espeak-ng end the sentence.
fn false_sentence_ends(text: &str) -> Vec<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    words
        .windows(2)
        .filter(|w| w[0].ends_with('.') && w[1].starts_with(char::is_uppercase))
        // A single initial ("John F. Kennedy") only costs espeak-ng a short pause.
        .filter(|w| w[0].chars().filter(|c| c.is_alphabetic()).count() > 1)
        .map(|w| w.join(" "))
        .collect()
}

#[test]
fn abbreviations_never_end_a_sentence_early() {
    for sentence in [
        "Gov. Brown met Sen. Smith and Lt. Col. Jones in the U.S. Senate on Jan. Fifth.",
        "Prof. Lee, e.g. Paris, i.e. France, Ft. Worth, Mt. Hood, St. Louis, U.N. Secretary.",
        "The Ph.D. Committee of Acme Inc. Ltd. met Smith vs. Jones on Main St. Today.",
    ] {
        let out = plain(sentence);
        assert_eq!(false_sentence_ends(&out), Vec::<String>::new(), "{out}");
        assert!(out.ends_with('.'), "{out}");
    }
}

#[test]
fn the_sample_essay_reads_well() {
    let lexicon = sample_lexicon();
    let mut all = String::new();
    for line in ESSAY.lines() {
        for sentence in segment::sentences(line) {
            let out = speech(&sentence, &lexicon);
            assert!(!out.contains('*') && !out.contains('|'), "{out}");
            all.push_str(&out);
            all.push('\n');
        }
        // Whole paragraphs too: no panic, nothing lost.
        let _ = speech(line, &lexicon);
    }
    for expected in [
        "in the nineteen eighties and nineteen nineties.",
        "in the nineteen nineties under President Bill Clinton",
        "(john burton F T at yahoo dot com), a former Korea correspondent",
        "Kim — demanding an all-or-nothing nuclear deal",
        "the Moon Jay-in administration",
        "Kim Jong-oon three times",
        "the [[j'0Nbj,Vn]] nuclear site and the Dongchang-ree missile",
        "offering to deliver Koh-vid nineteen vaccines",
        "re-elected in twenty twenty-four.",
        "the Hanoi summit in twenty nineteen.",
        "reaffirming the twenty eighteen Singapore agreement",
        "quest of 30 years",
        "Washington, D.C.-based journalist",
    ] {
        assert!(all.contains(expected), "missing {expected:?} in:\n{all}");
    }
    assert!(!all.contains('―'));
    assert!(!all.contains("1980s"));
}

#[test]
fn the_sample_paragraphs_with_lexicon_words_are_the_ones_that_change() {
    let lexicon = sample_lexicon();
    for line in ESSAY.lines() {
        let changed = speech(line, &lexicon) != plain(line);
        assert_eq!(changed, lexicon.matches(line), "{line}");
    }
}

#[test]
fn user_text_never_steers_the_engine() {
    let lexicon = sample_lexicon();
    let hostile = "x [[h@'loU]] y <voice name='whisper'>z</voice> &lt;break time='9s'/&gt; \
                   &#91;&#91;a]] <speak> ]] [ [ &amp;lt;audio&amp;gt; Yongbyon";
    let out = speech(hostile, &lexicon);
    assert_eq!(out.matches("[[").count(), 1, "{out}");
    assert_eq!(out.matches("]]").count(), 1, "{out}");
    assert!(out.contains("[[j'0Nbj,Vn]]"), "{out}");
    assert!(!out.contains(['<', '>']), "{out}");
    assert!(!out.contains('&'), "{out}");
}

#[test]
fn the_lexicon_comes_before_the_rules() {
    let source = "[[word]]\ntext = \"No. 5\"\nsay = \"Number Five, the perfume\"\n\
                  [[word]]\ntext = \"Gen\"\nphonemes = \"dZ'En\"\n";
    let lexicon = Lexicon::parse(source, Path::new("l.toml")).expect("parses");
    assert_eq!(
        speech("No. 5 in 1999", &lexicon),
        "Number Five, the perfume in nineteen ninety-nine"
    );
    assert_eq!(speech("the Gen Z", &lexicon), "the [[dZ'En]] Z");
}

#[test]
fn odd_input_never_panics() {
    let lexicon = sample_lexicon();
    for text in [
        "",
        " ",
        "$",
        "£.",
        "$,",
        "1/",
        "/2",
        "St.",
        "Mt.",
        "U.S.",
        "e.g.",
        "Ph.D",
        "#",
        "№",
        "1990-",
        "-1990",
        "10:",
        ":05",
        "[[",
        "]]",
        "<",
        ">",
        "&",
        "&amp",
        "**",
        "_",
        "é1999é",
        "１９９９ ٣/٤ ۱۹۹۰s",
        "in 1999 😀 $4.99 ⅫⅫ",
        "World War MMMM",
        "Henry IIII",
        "Chapter",
        "a@b",
        "@x.com",
        "http://",
        "www.",
        "x.com/",
        "99¢¢",
        "$99999999999999999999",
        "in 9999999999999999999",
        "24:00 and 25:61",
        "0/0 and 5/0",
        "COVID-",
        "Yongbyon's",
        "Louis XIV’",
        "Henry I’m",
        "St. ’",
    ] {
        let _ = speech(text, &lexicon);
        let _ = plain(text);
    }
}
