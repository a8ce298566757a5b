//! Abbreviations espeak-ng reads as letters or as the wrong word, and the false sentence
//! ends it hears after them.
//!
//! espeak-ng knows `Mr.`, `Dr.`, `etc.`, `a.m.`; it reads `Gov.` as "guv", `Ft.` as "F T",
//! `vs.` as "V S", and it ends a sentence (a 300–400 ms pause and a falling tone) after any
//! abbreviation it does not know when a capital follows, and after `U.S.` or `e.g.` too.
//! The segmenter has already decided where sentences end, so inside one sentence such a
//! period is never an end: expansions here drop the period, and a dotted initialism before a
//! capital loses its last dot (`the U.S. Senate` -> `the U.S Senate`, same sound, no pause).
//! A period that ends the sentence is kept.
//!
//! Titles (`Gov.`, `Sen.`, `Lt.`, ...) and `Ft.`/`Mt.` expand only before a capitalized word;
//! `St.` is "Saint" before a capitalized word (a name) and "Street" otherwise; `p.`/`pp.`/`No.` only before a
//! number. `COVID` is respelled so espeak-ng says "KOH-vid", not "KAH-vid". `etc.` is "et
//! cetera"; a state after a place (`Detroit, Mich.`) is its name, `800 N. Beech St.` says
//! "North", and `11am`, `7:03pm` become `a.m.`/`p.m.`, which espeak-ng reads as letters.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::{Captures, Regex};

use super::words;

/// Titles and place prefixes: expanded only when a capitalized word follows.
static TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"\b(Gov|Sen|Rep|Gen|Lt|Col|Capt|Sgt|Maj|Adm|Cmdr|Prof|Pres|Rev|Hon|Supt|Ft|Mt|Const",
        r"|Insp|Det|Cpl|Pvt|Atty|Msgr|Brig)\.",
    ))
    .expect("static pattern")
});

/// Abbreviations with one reading wherever they stand.
static ALWAYS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"\b(?:(vs)\.?|(approx|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Dept|Inc",
        r"|Corp|Ltd|Bros|Ave|Blvd|Jr|Sr|Univ|Govt|Intl|Assn|etc|Etc)\.)",
        r"|\b([Ee])\.g\.|\b([Ii])\.e\.|\bPh\.?D\b\.?"
    ))
    .expect("static pattern")
});

/// `Detroit, Mich.`, `Irvine, Calif.-based`: a state after a place, as news agencies write it.
static STATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r",\s(Ala|Ariz|Ark|Calif|Colo|Conn|Del|Fla|Ga|Ill|Ind|Kan|Ky|La|Md|Mass|Mich|Minn|Miss",
        r"|Mo|Mont|Neb|Nev|Okla|Ore|Pa|Tenn|Tex|Va|Vt|Wash|Wis|Wyo)\.",
    ))
    .expect("static pattern")
});

/// `800 N. Beech St.`: a compass point between a house number and a street name.
static COMPASS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\d+)\s([NSEW])\.\s+([A-Z])").expect("static pattern"));

/// `11am`, `5 am`, `7:03pm`: times without periods; `a.m.` is what espeak-ng reads right.
static CLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(\d{1,2}(?::\d{2})?)\s?(am|pm|AM|PM)\b").expect("static pattern")
});

/// `Mt St Helena`: mountain and saint without their periods, before a name.
static PLACE_NO_DOT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(Mt|St)\s([A-Z][a-z])").expect("static pattern"));

/// `No. 5`, `pp. 10-12`, `p. 7`: only before a number.
static BEFORE_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(No|no|Nos|nos|pp|p)\.(\s*)(\d)").expect("static pattern"));

/// `Roe v. Wade`: versus between capitalized words.
static LEGAL_V: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b([A-Z][\w'-]*)\s+v\.\s+([A-Z])").expect("static pattern"));

static SAINT_OR_STREET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\bSt\.").expect("static pattern"));

/// `U.S.`, `U.N.`, `D.C.`: two or more dotted letters.
static INITIALISM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(?:[A-Za-z]\.){2,}").expect("static pattern"));

static COVID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\bcovid(?:-(\d{1,2}))?\b").expect("static pattern"));

/// Expands abbreviations and removes periods that would end the sentence early.
pub(super) fn apply(text: &str) -> Cow<'_, str> {
    let covid = text
        .as_bytes()
        .windows(5)
        .any(|w| w.eq_ignore_ascii_case(b"covid"));
    let clock = CLOCK.is_match(text) || PLACE_NO_DOT.is_match(text);
    if !text.contains('.') && !text.contains("vs") && !text.contains("PhD") && !covid && !clock {
        return Cow::Borrowed(text);
    }
    let text = places_and_times(text);
    let text = expand(&text, &TITLE, |c, rest| {
        next_is_capitalized(rest).then(|| title(&c[1]).to_owned())
    });
    let text = expand(&text, &ALWAYS, |c, _| {
        Some(if c.get(1).is_some() {
            "versus".to_owned()
        } else if let Some(m) = c.get(2) {
            always(m.as_str()).to_owned()
        } else if let Some(m) = c.get(3) {
            if m.as_str() == "E" {
                "For example"
            } else {
                "for example"
            }
            .to_owned()
        } else if let Some(m) = c.get(4) {
            if m.as_str() == "I" {
                "That is"
            } else {
                "that is"
            }
            .to_owned()
        } else {
            "P H D".to_owned()
        })
    });
    let text = BEFORE_NUMBER.replace_all(&text, |c: &Captures| {
        let word = match &c[1] {
            "No" => "Number",
            "no" => "number",
            "Nos" => "Numbers",
            "nos" => "numbers",
            "p" => "page",
            _ => "pages",
        };
        format!("{word} {}", &c[3])
    });
    let text = LEGAL_V.replace_all(&text, "$1 versus $2");
    let text = expand(&text, &SAINT_OR_STREET, |_, rest| {
        Some(
            if next_is_capitalized(rest) {
                "Saint"
            } else {
                "Street"
            }
            .to_owned(),
        )
    });
    let text = expand(&text, &INITIALISM, |c, rest| {
        let dotted = &c[0];
        next_is_capitalized(rest).then(|| dotted[..dotted.len() - 1].to_owned())
    });
    let text = COVID.replace_all(&text, |c: &Captures| match c.get(1) {
        Some(n) => format!(
            "Koh-vid {}",
            words::cardinal(n.as_str()).unwrap_or_default()
        ),
        None => "Koh-vid".to_owned(),
    });
    Cow::Owned(text.into_owned())
}

/// Clock times without periods, mountains and saints without theirs, compass points in
/// street addresses and states after a place: the rewrites that need no sentence context.
fn places_and_times(text: &str) -> String {
    let text = CLOCK.replace_all(text, |c: &Captures| {
        let period = if c[2].eq_ignore_ascii_case("am") {
            "a.m."
        } else {
            "p.m."
        };
        format!("{} {period}", &c[1])
    });
    let place = |c: &Captures| {
        let word = if &c[1] == "Mt" { "Mount" } else { "Saint" };
        format!("{word} {}", &c[2])
    };
    // Twice: in "Mt St Helena" the first match takes the "St" the second one needs.
    let text = PLACE_NO_DOT.replace_all(&text, place);
    let text = PLACE_NO_DOT.replace_all(&text, place).into_owned();
    let text = COMPASS.replace_all(&text, |c: &Captures| {
        let point = match &c[2] {
            "N" => "North",
            "S" => "South",
            "E" => "East",
            _ => "West",
        };
        format!("{} {point} {}", &c[1], &c[3])
    });
    let text = expand(&text, &STATE, |c, _| Some(format!(", {}", state(&c[1]))));
    text.into_owned()
}

/// Replaces each match of `re` with what `say` returns, given the captures and the text
/// after the match; `None` keeps the match as written. A replaced
/// abbreviation whose period ended the sentence keeps that period.
fn expand<'t>(
    text: &'t str,
    re: &Regex,
    say: impl Fn(&Captures, &str) -> Option<String>,
) -> Cow<'t, str> {
    re.replace_all(text, |c: &Captures| {
        let Some(whole) = c.get(0) else {
            return String::new();
        };
        let rest = &text[whole.end()..];
        match say(c, rest) {
            Some(mut words) => {
                if whole.as_str().ends_with('.') && ends_sentence(rest) {
                    words.push('.');
                }
                words
            }
            None => whole.as_str().to_owned(),
        }
    })
}

/// True when only closing quotes, brackets or spaces follow.
fn ends_sentence(rest: &str) -> bool {
    rest.chars()
        .all(|c| c.is_whitespace() || matches!(c, '"' | '\'' | ')' | '”' | '’'))
}

/// True when, after white space, the next word starts with a capital letter.
fn next_is_capitalized(rest: &str) -> bool {
    rest.starts_with(char::is_whitespace) && is_capitalized(rest.trim_start())
}

fn is_capitalized(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

fn title(abbr: &str) -> &'static str {
    match abbr {
        "Gov" => "Governor",
        "Sen" => "Senator",
        "Rep" => "Representative",
        "Gen" => "General",
        "Lt" => "Lieutenant",
        "Col" => "Colonel",
        "Capt" => "Captain",
        "Sgt" => "Sergeant",
        "Maj" => "Major",
        "Adm" => "Admiral",
        "Cmdr" => "Commander",
        "Prof" => "Professor",
        "Pres" => "President",
        "Rev" => "Reverend",
        "Hon" => "Honorable",
        "Supt" => "Superintendent",
        "Ft" => "Fort",
        "Const" => "Constable",
        "Insp" => "Inspector",
        "Det" => "Detective",
        "Cpl" => "Corporal",
        "Pvt" => "Private",
        "Atty" => "Attorney",
        "Msgr" => "Monsignor",
        "Brig" => "Brigadier",
        _ => "Mount",
    }
}

fn state(abbr: &str) -> &'static str {
    match abbr {
        "Ala" => "Alabama",
        "Ariz" => "Arizona",
        "Ark" => "Arkansas",
        "Calif" => "California",
        "Colo" => "Colorado",
        "Conn" => "Connecticut",
        "Del" => "Delaware",
        "Fla" => "Florida",
        "Ga" => "Georgia",
        "Ill" => "Illinois",
        "Ind" => "Indiana",
        "Kan" => "Kansas",
        "Ky" => "Kentucky",
        "La" => "Louisiana",
        "Md" => "Maryland",
        "Mass" => "Massachusetts",
        "Mich" => "Michigan",
        "Minn" => "Minnesota",
        "Miss" => "Mississippi",
        "Mo" => "Missouri",
        "Mont" => "Montana",
        "Neb" => "Nebraska",
        "Nev" => "Nevada",
        "Okla" => "Oklahoma",
        "Ore" => "Oregon",
        "Pa" => "Pennsylvania",
        "Tenn" => "Tennessee",
        "Tex" => "Texas",
        "Va" => "Virginia",
        "Vt" => "Vermont",
        "Wash" => "Washington",
        "Wis" => "Wisconsin",
        _ => "Wyoming",
    }
}

fn always(abbr: &str) -> &'static str {
    match abbr {
        "approx" => "approximately",
        "Jan" => "January",
        "Feb" => "February",
        "Mar" => "March",
        "Apr" => "April",
        "Jun" => "June",
        "Jul" => "July",
        "Aug" => "August",
        "Sep" | "Sept" => "September",
        "Oct" => "October",
        "Nov" => "November",
        "Dec" => "December",
        "Dept" => "Department",
        "Inc" => "Incorporated",
        "Corp" => "Corporation",
        "Ltd" => "Limited",
        "Bros" => "Brothers",
        "Ave" => "Avenue",
        "Blvd" => "Boulevard",
        "Jr" => "Junior",
        "Sr" => "Senior",
        "Univ" => "University",
        "Govt" => "Government",
        "Intl" => "International",
        "etc" | "Etc" => "et cetera",
        _ => "Association",
    }
}

#[cfg(test)]
mod tests {
    use super::apply;

    #[test]
    fn titles_expand_before_names() {
        assert_eq!(apply("Gov. Brown"), "Governor Brown");
        assert_eq!(apply("Sen. Brown said"), "Senator Brown said");
        assert_eq!(apply("Lt. Col. Smith"), "Lieutenant Colonel Smith");
        assert_eq!(
            apply("Prof. Lee and Gen. Lee"),
            "Professor Lee and General Lee"
        );
        assert_eq!(apply("from Ft. Worth"), "from Fort Worth");
        assert_eq!(apply("to Mt. Hood"), "to Mount Hood");
        assert_eq!(apply("the Gen. of"), "the Gen. of");
    }

    #[test]
    fn fixed_abbreviations() {
        assert_eq!(apply("Smith vs. Jones"), "Smith versus Jones");
        assert_eq!(apply("Smith vs Jones"), "Smith versus Jones");
        assert_eq!(apply("Roe v. Wade"), "Roe versus Wade");
        assert_eq!(apply("on Jan. 5"), "on January 5");
        assert_eq!(apply("Sept. and Dec."), "September and December.");
        assert_eq!(apply("a Ph.D. student"), "a P H D student");
        assert_eq!(apply("her PhD"), "her P H D");
        assert_eq!(apply("approx. 5"), "approximately 5");
        assert_eq!(apply("Acme Inc. said"), "Acme Incorporated said");
    }

    #[test]
    fn latin_abbreviations() {
        assert_eq!(apply("places, e.g. Paris"), "places, for example Paris");
        assert_eq!(apply("fruit, e.g., apples"), "fruit, for example, apples");
        assert_eq!(apply("one, i.e. this"), "one, that is this");
        assert_eq!(apply("E.g. this"), "For example this");
    }

    #[test]
    fn numbers_and_pages() {
        assert_eq!(apply("No. 5"), "Number 5");
        assert_eq!(
            apply("see p. 7 and pp. 10-12"),
            "see page 7 and pages 10-12"
        );
        assert_eq!(apply("No. I won't."), "No. I won't.");
    }

    #[test]
    fn saint_before_a_name_street_after_one() {
        assert_eq!(apply("St. Louis"), "Saint Louis");
        assert_eq!(apply("in St. Louis today"), "in Saint Louis today");
        assert_eq!(apply("on Elm St. in 1990"), "on Elm Street in 1990");
        assert_eq!(apply("on Main St. today"), "on Main Street today");
        assert_eq!(apply("lives on Elm St."), "lives on Elm Street.");
    }

    #[test]
    fn initialisms_before_capitals_lose_the_last_dot() {
        assert_eq!(apply("the U.S. Government"), "the U.S Government");
        assert_eq!(apply("U.N. Secretary"), "U.N Secretary");
        assert_eq!(apply("the U.S. and"), "the U.S. and");
        assert_eq!(apply("a D.C.-based writer"), "a D.C.-based writer");
        assert_eq!(
            apply("joint U.S.-South Korea drills"),
            "joint U.S.-South Korea drills"
        );
        assert_eq!(apply("Washington, D.C. today"), "Washington, D.C. today");
        assert_eq!(apply("travel to the U.S."), "travel to the U.S.");
    }

    #[test]
    fn known_abbreviations_stay() {
        for text in ["Mr. smith", "Mr. Smith", "Dr. Jones", "at 5 a.m. today"] {
            assert_eq!(apply(text), text);
        }
    }

    #[test]
    fn states_titles_latin_and_clock_times_of_news_prose() {
        // U.S. Department of Justice (2006, 2007); AP (2008); Campbell River Mirror (2017);
        // Arkansas Democrat-Gazette (2022); CBS San Francisco (2022); a hiking forum; WXOW.
        assert_eq!(
            apply("in Detroit, Mich., to 218"),
            "in Detroit, Michigan, to 218"
        );
        assert_eq!(apply("County, Fla. alleging"), "County, Florida alleging");
        assert_eq!(
            apply("an Irvine, Calif.-based maker"),
            "an Irvine, California-based maker"
        );
        assert_eq!(
            apply("near Sacramento, Calif."),
            "near Sacramento, California."
        );
        assert_eq!(apply("Const. Rob Gardner"), "Constable Rob Gardner");
        assert_eq!(
            apply("at 800 N. Beech St. around"),
            "at 800 North Beech Street around"
        );
        assert_eq!(apply("at Mt St Helena West"), "at Mount Saint Helena West");
        assert_eq!(
            apply("food, water, gear, etc."),
            "food, water, gear, et cetera."
        );
        assert_eq!(apply("gear, etc. and more"), "gear, et cetera and more");
        assert_eq!(apply("from 11am Tuesday"), "from 11 a.m Tuesday");
        assert_eq!(apply("up at 5 am was"), "up at 5 a.m. was");
        assert_eq!(apply("at 7:03pm, topped"), "at 7:03 p.m., topped");
        assert_eq!(apply("I am here"), "I am here");
    }

    #[test]
    fn covid_is_respelled() {
        assert_eq!(apply("COVID-19 vaccines"), "Koh-vid nineteen vaccines");
        assert_eq!(apply("covid"), "Koh-vid");
    }
}
