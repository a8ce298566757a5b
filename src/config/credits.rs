//! The episode's metadata: title, artist, album (show), date, genre, description, cover and
//! track number, from narrate.toml, the environment and flags, and from the script's front
//! matter below them all.
//!
//! narrate.toml and the flags are resolved with the other settings ([`resolve`]); front
//! matter is known only once the script is read, so [`front_matter`] reads it into a layer
//! of its own (each value remembering its line, so an error names it) and
//! [`Credits::or`] fills what the settings left unset. A cover is read and checked here,
//! once: a JPEG or PNG, square, else an error naming the file and where it was set.

use std::fmt;
use std::path::PathBuf;
use std::time::SystemTime;

use serde::{Serialize, Serializer};

use super::keys;
use super::layer::{Error, Given, Layer, Origin, Value};
use super::Source;
use crate::output::book::ImageKind;
use crate::output::image;
use crate::text::Document;

/// The metadata keys, in [`keys::KEYS`]'s order.
pub const KEYS: [&str; 8] = [
    "title",
    "artist",
    "album",
    "date",
    "genre",
    "description",
    "cover",
    "track",
];

/// Front matter keys read as another key (`author: ...` is the artist).
const FRONT_ALIASES: [(&str, &str); 3] = [
    ("author", "artist"),
    ("show", "album"),
    ("episode", "track"),
];

/// What is known of the episode; unset fields are left out of every file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Credits {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub artist: Option<String>,
    /// The show the episode belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub album: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub genre: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cover: Option<Cover>,
    /// The episode's number in its show.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub track: Option<u32>,
}

impl Credits {
    /// These credits, with `lower`'s where these have none.
    pub fn or(self, lower: Credits) -> Credits {
        Credits {
            title: self.title.or(lower.title),
            artist: self.artist.or(lower.artist),
            album: self.album.or(lower.album),
            date: self.date.or(lower.date),
            genre: self.genre.or(lower.genre),
            description: self.description.or(lower.description),
            cover: self.cover.or(lower.cover),
            track: self.track.or(lower.track),
        }
    }
}

/// A publication date: a year, or a day (ISO 8601: `2024`, `2024-03-05`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Date {
    Year(i32),
    Day(time::Date),
}

impl Date {
    /// Reads `YYYY` or `YYYY-MM-DD`; a time after the day (`2024-03-05T10:00:00Z`, as blog
    /// front matter often has) is allowed and ignored.
    pub fn parse(text: &str) -> Option<Date> {
        let text = text.trim();
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if digits(text, 4) {
            let year = text.parse().ok()?;
            return (year >= 1).then_some(Date::Year(year));
        }
        let day = text.get(..10)?;
        let rest = &text[10..];
        let time_follows = rest.is_empty()
            || (rest.starts_with(['T', ' '])
                && rest[1..].starts_with(|c: char| c.is_ascii_digit()));
        let mut parts = day.split('-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if !time_follows || !digits(y, 4) || !digits(m, 2) || !digits(d, 2) {
            return None;
        }
        let month = time::Month::try_from(m.parse::<u8>().ok()?).ok()?;
        let date = time::Date::from_calendar_date(y.parse().ok()?, month, d.parse().ok()?).ok()?;
        (date.year() >= 1).then_some(Date::Day(date))
    }

    pub fn year(self) -> i32 {
        match self {
            Date::Year(y) => y,
            Date::Day(d) => d.year(),
        }
    }

    /// The month and day, when the date has them.
    pub fn month_day(self) -> Option<(u8, u8)> {
        match self {
            Date::Year(_) => None,
            Date::Day(d) => Some((d.month().into(), d.day())),
        }
    }

    /// Midnight UTC at its start (a year: January 1st), for the formats that take a time.
    pub fn start(self) -> SystemTime {
        let day = match self {
            Date::Year(y) => time::Date::from_calendar_date(y, time::Month::January, 1)
                .expect("January 1st of a year 1-9999 exists"),
            Date::Day(d) => d,
        };
        let seconds = day.midnight().assume_utc().unix_timestamp();
        let since = std::time::Duration::from_secs(seconds.unsigned_abs());
        if seconds >= 0 {
            SystemTime::UNIX_EPOCH + since
        } else {
            SystemTime::UNIX_EPOCH - since
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.month_day() {
            None => write!(f, "{:04}", self.year()),
            Some((m, d)) => write!(f, "{:04}-{m:02}-{d:02}", self.year()),
        }
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A cover image, read and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cover {
    /// Where it was read from (as resolved: relative to narrate.toml's or the script's
    /// folder where it was set there).
    pub path: PathBuf,
    pub kind: ImageKind,
    /// Its size in pixels (square).
    pub size: u32,
    pub bytes: std::sync::Arc<Vec<u8>>,
}

impl Serialize for Cover {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.path.serialize(s)
    }
}

impl Cover {
    /// The cover as the output formats take it.
    pub fn image(&self) -> crate::output::book::Cover {
        crate::output::book::Cover {
            bytes: self.bytes.to_vec(),
            kind: self.kind,
        }
    }
}

/// The credits `layer` gives (narrate.toml, environment and flags merged, or front matter).
pub(super) fn resolve(layer: &Layer) -> Result<Credits, Error> {
    let text = |name: &str| -> Result<Option<String>, Error> {
        let Some(given) = layer.get(name) else {
            return Ok(None);
        };
        let value = given.text()?;
        let value = value.trim();
        if value.is_empty() {
            return Err(given.invalid(format!("{name} is empty")));
        }
        Ok(Some(value.to_owned()))
    };
    Ok(Credits {
        title: text("title")?,
        artist: text("artist")?,
        album: text("album")?,
        date: layer.get("date").map(date).transpose()?,
        genre: text("genre")?,
        description: text("description")?,
        cover: layer.get("cover").map(cover).transpose()?,
        track: layer.get("track").map(track).transpose()?,
    })
}

fn date(given: &Given) -> Result<Date, Error> {
    let text = given.text()?;
    Date::parse(&text).ok_or_else(|| {
        given.invalid(format!(
            "date {text:?} is not a date: YYYY-MM-DD (2024-03-05) or a year (2024)"
        ))
    })
}

fn track(given: &Given) -> Result<u32, Error> {
    match given.whole() {
        Ok(n @ 1..=9999) => Ok(n as u32),
        _ => Err(given.invalid(format!(
            "track must be an episode number, 1-9999, not {}",
            shown(&given.value)
        ))),
    }
}

fn shown(value: &Value) -> String {
    match value {
        Value::Word(w) => format!("{:?}", w.to_string_lossy()),
        Value::Toml(t) => t.to_string(),
        Value::Off => "false".to_owned(),
    }
}

/// Reads the cover file and checks that it is a square JPEG or PNG.
fn cover(given: &Given) -> Result<Cover, Error> {
    let path = given.path()?;
    let bytes = std::fs::read(&path).map_err(|e| {
        let why = match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_owned(),
            _ if path.is_dir() => "is a folder".to_owned(),
            _ => e.to_string(),
        };
        given.invalid(format!("cover {}: {why}", path.display()))
    })?;
    let header = image::square(&bytes)
        .map_err(|e| given.invalid(format!("cover {} {e}", path.display())))?;
    Ok(Cover {
        path,
        kind: header.kind,
        size: header.width,
        bytes: std::sync::Arc::new(bytes),
    })
}

/// The credits the script's front matter gives, each value checked and named by its line
/// (a cover's path is relative to the script's folder). Keys narrate does not know are
/// left to the other tools that read front matter.
pub fn front_matter(doc: &Document, script: &Source) -> Result<Credits, Error> {
    let mut layer = Layer::default();
    let mut ranks = std::collections::HashMap::new();
    for field in &doc.front_matter {
        let (name, rank) = match FRONT_ALIASES.iter().find(|(a, _)| *a == field.key) {
            // `author` is the usual front matter word: it wins over `artist`.
            Some(("author", name)) => (*name, 2),
            Some((_, name)) => (*name, 0),
            None if field.key == "artist" => ("artist", 1),
            None => (field.key.as_str(), 2),
        };
        let Some(key) = keys::find(name).filter(|k| KEYS.contains(&k.name)) else {
            continue;
        };
        if ranks.get(key.name).is_some_and(|&r| r > rank) {
            continue;
        }
        ranks.insert(key.name, rank);
        let origin = Origin::FrontMatter {
            path: script.display(),
            line: field.line,
        };
        layer.set(key, Value::Word(field.value.clone().into()), origin);
    }
    let mut credits = resolve(&layer)?;
    // A Markdown script's `#` title names it when front matter does not.
    if credits.title.is_none() {
        credits.title.clone_from(&doc.title);
    }
    Ok(credits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_years_or_days_and_nothing_else() {
        assert_eq!(
            Date::parse("2024").map(|d| d.to_string()),
            Some("2024".into())
        );
        let day = Date::parse("2024-02-29").expect("a leap day");
        assert_eq!(day.to_string(), "2024-02-29");
        assert_eq!(day.month_day(), Some((2, 29)));
        assert_eq!(
            Date::parse("2024-03-05T10:00:00Z").map(|d| d.to_string()),
            Some("2024-03-05".into())
        );
        assert_eq!(
            Date::parse("2024-03-05 10:00").map(|d| d.to_string()),
            Some("2024-03-05".into())
        );
        for bad in [
            "2023-02-29",
            "2024-13-01",
            "2024-3-5",
            "24",
            "0000",
            "March 2024",
            "2024-03-05 banana",
            "2024/03/05",
            "",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_date_starts_at_midnight_utc() {
        let day = Date::parse("2024-03-05").expect("a day").start();
        assert_eq!(crate::output::fmt::rfc3339(day), "2024-03-05T00:00:00Z");
        let year = Date::parse("1999").expect("a year").start();
        assert_eq!(crate::output::fmt::rfc3339(year), "1999-01-01T00:00:00Z");
    }

    fn doc(fields: &[(&str, &str)]) -> Document {
        Document {
            front_matter: (fields.iter().enumerate())
                .map(|(i, (key, value))| crate::text::FrontField {
                    key: (*key).to_owned(),
                    value: (*value).to_owned(),
                    line: i + 2,
                })
                .collect(),
            ..Document::default()
        }
    }

    #[test]
    fn front_matter_gives_every_field_and_author_wins_over_artist() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join("art")).expect("mkdir");
        let png = crate::output::image::tests::png_of(32, 32);
        std::fs::write(dir.path().join("art/c.png"), &png).expect("write");
        let script = Source::File(dir.path().join("talk.md"));
        let credits = front_matter(
            &doc(&[
                ("artist", "B"),
                ("author", "A"),
                ("show", "Alias"),
                ("album", "The Show"),
                ("title", "T"),
                ("date", "2024-03-05"),
                ("genre", "Podcast"),
                ("description", "D"),
                ("cover", "art/c.png"),
                ("episode", "4"),
                ("layout", "post"),
            ]),
            &script,
        )
        .expect("valid");
        let cover = credits.cover.clone().expect("a cover, beside the script");
        assert_eq!(cover.path, dir.path().join("art/c.png"));
        assert_eq!(*cover.bytes, png);
        assert_eq!(
            Credits {
                cover: None,
                ..credits
            },
            Credits {
                title: Some("T".into()),
                artist: Some("A".into()),
                album: Some("The Show".into()),
                date: Date::parse("2024-03-05"),
                genre: Some("Podcast".into()),
                description: Some("D".into()),
                cover: None,
                track: Some(4),
            }
        );
    }

    #[test]
    fn a_bad_front_matter_value_names_the_script_and_line() {
        let script = Source::File("dir/talk.md".into());
        let e = front_matter(&doc(&[("title", "T"), ("date", "soon")]), &script)
            .expect_err("not a date");
        assert_eq!(
            e.to_string(),
            "dir/talk.md: line 3 (front matter): date \"soon\" is not a date: YYYY-MM-DD \
             (2024-03-05) or a year (2024)"
        );
        assert!(!e.is_usage(), "a file to fix, not the command line");
        let e = front_matter(&doc(&[("cover", "c.gif")]), &script).expect_err("missing");
        assert_eq!(
            e.to_string(),
            "dir/talk.md: line 2 (front matter): cover dir/c.gif: no such file"
        );
    }

    #[test]
    fn settings_win_over_front_matter_field_by_field() {
        let settings = Credits {
            title: Some("Flag".into()),
            genre: Some("Toml".into()),
            ..Credits::default()
        };
        let front = Credits {
            title: Some("Front".into()),
            artist: Some("Front".into()),
            ..Credits::default()
        };
        let merged = settings.or(front);
        assert_eq!(merged.title.as_deref(), Some("Flag"));
        assert_eq!(merged.artist.as_deref(), Some("Front"));
        assert_eq!(merged.genre.as_deref(), Some("Toml"));
    }
}
