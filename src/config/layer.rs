//! The values one source gave (the defaults, narrate.toml, the environment or the flags),
//! each remembering where it came from, so that an error about it can say.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};

use super::keys::{self, Fallback, Key, Kind};

/// Where a value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// No source gave it: the key's default.
    Default,
    /// narrate.toml, at a line (from 1).
    File { path: PathBuf, line: usize },
    /// The script's front matter, at a line (from 1).
    FrontMatter { path: PathBuf, line: usize },
    /// An environment variable.
    Env(&'static str),
    /// A flag, by its long name (`rate` for `--rate`).
    Flag(&'static str),
}

impl Origin {
    /// Whether the value came from the command line: a flag or an environment variable.
    pub fn is_command_line(&self) -> bool {
        matches!(self, Origin::Env(_) | Origin::Flag(_))
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Default => f.write_str("the default"),
            Origin::File { path, line } => write!(f, "{}: line {line}", path.display()),
            Origin::FrontMatter { path, line } => {
                write!(f, "{}: line {line} (front matter)", path.display())
            }
            Origin::Env(name) => f.write_str(name),
            Origin::Flag(name) => write!(f, "--{name}"),
        }
    }
}

/// Why the settings cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A value is not one its key takes: the message names where it came from.
    #[error("{origin}: {message}")]
    Value { origin: Origin, message: String },
    /// narrate.toml cannot be read, or is not TOML.
    #[error("{path}: {message}")]
    File { path: PathBuf, message: String },
}

impl Error {
    /// Whether the command line is to blame (a flag or an environment variable), not a file.
    pub fn is_usage(&self) -> bool {
        matches!(self, Error::Value { origin, .. } if origin.is_command_line())
    }
}

/// A value as its source wrote it, not yet checked against its key.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A flag's or an environment variable's text (and a default's).
    Word(OsString),
    /// A narrate.toml value.
    Toml(toml::Value),
    /// `--no-NAME`.
    Off,
}

/// One key's value and where it came from.
#[derive(Debug, Clone)]
pub struct Given {
    pub key: &'static Key,
    pub value: Value,
    pub origin: Origin,
}

/// The values one source gave, by key.
#[derive(Debug, Clone, Default)]
pub struct Layer {
    values: BTreeMap<&'static str, Given>,
}

impl Layer {
    /// The lowest layer: every key's default value, where it has one.
    pub fn defaults() -> Layer {
        let mut layer = Layer::default();
        for key in keys::KEYS {
            if let Fallback::Value(value) = key.fallback {
                layer.set(key, Value::Word(value.into()), Origin::Default);
            }
        }
        layer
    }

    /// Gives `key` a value (replacing one this source gave before).
    pub fn set(&mut self, key: &'static Key, value: Value, origin: Origin) {
        self.values.insert(key.name, Given { key, value, origin });
    }

    /// The value of the key `name`, if this layer has one.
    pub fn get(&self, name: &str) -> Option<&Given> {
        self.values.get(name)
    }

    /// The value of a key with a default: the merged layers always hold one.
    pub fn value(&self, name: &str) -> &Given {
        self.get(name)
            .unwrap_or_else(|| panic!("{name} has a default, so the merged layers hold it"))
    }

    /// Every value, by key name.
    pub fn iter(&self) -> impl Iterator<Item = &Given> {
        self.values.values()
    }

    /// This layer with `higher`'s values put over it.
    pub fn under(mut self, higher: &Layer) -> Layer {
        for given in higher.iter() {
            self.values.insert(given.key.name, given.clone());
        }
        self
    }

    /// Checks that every value is one its key takes, whether or not a higher layer hides it.
    pub fn check(&self) -> Result<(), Error> {
        for given in self.iter() {
            given.check()?;
        }
        Ok(())
    }
}

impl Given {
    /// An error about this value.
    pub fn invalid(&self, message: String) -> Error {
        Error::Value {
            origin: self.origin.clone(),
            message,
        }
    }

    fn wrong(&self, wanted: &str) -> Error {
        let shown = match &self.value {
            Value::Word(w) => format!("{:?}", w.to_string_lossy()),
            Value::Toml(t) => t.to_string(),
            Value::Off => format!("--no-{}", self.key.name),
        };
        self.invalid(format!("{} must be {wanted}, not {shown}", self.key.name))
    }

    /// Converts the value to what its key takes, with the key's kind.
    fn check(&self) -> Result<(), Error> {
        match self.key.kind {
            Kind::Whole => self.whole().map(drop),
            Kind::Decimal => self.decimal().map(drop),
            Kind::Text => self.text().map(drop),
            Kind::Path => self.path().map(drop),
            Kind::PathOrOff => self.path_or_off().map(drop),
            Kind::Switch => self.switch().map(drop),
            Kind::Choice(_) => self.choice().map(drop),
        }
    }

    /// A whole number.
    pub fn whole(&self) -> Result<u64, Error> {
        let number = match &self.value {
            Value::Word(w) => w.to_str().and_then(|w| w.parse().ok()),
            Value::Toml(toml::Value::Integer(i)) => u64::try_from(*i).ok(),
            _ => None,
        };
        number.ok_or_else(|| self.wrong("a whole number"))
    }

    /// A whole number that fits a `u32`.
    pub fn whole_u32(&self) -> Result<u32, Error> {
        u32::try_from(self.whole()?).map_err(|_| self.wrong("a smaller number"))
    }

    /// A number with or without a fraction.
    pub fn decimal(&self) -> Result<f64, Error> {
        let number = match &self.value {
            Value::Word(w) => w.to_str().and_then(|w| w.parse().ok()),
            Value::Toml(toml::Value::Float(f)) => Some(*f),
            Value::Toml(toml::Value::Integer(i)) => Some(*i as f64),
            _ => None,
        };
        number.ok_or_else(|| self.wrong("a number"))
    }

    /// Text.
    pub fn text(&self) -> Result<String, Error> {
        match &self.value {
            Value::Word(w) => w.to_str().map(str::to_owned),
            Value::Toml(toml::Value::String(s)) => Some(s.clone()),
            _ => None,
        }
        .ok_or_else(|| self.wrong("text"))
    }

    /// A path: in narrate.toml relative to the file's folder, in front matter to the
    /// script's, elsewhere (a flag, a variable) as given: relative to the current folder.
    pub fn path(&self) -> Result<PathBuf, Error> {
        match (&self.value, &self.origin) {
            (Value::Word(w), Origin::FrontMatter { path, .. }) => {
                Ok(path.parent().unwrap_or(Path::new(".")).join(w))
            }
            (Value::Word(w), _) => Ok(PathBuf::from(w)),
            (Value::Toml(toml::Value::String(s)), Origin::File { path, .. }) => {
                Ok(path.parent().unwrap_or(Path::new(".")).join(s))
            }
            (Value::Toml(toml::Value::String(s)), _) => Ok(PathBuf::from(s)),
            _ => Err(self.wrong("a path")),
        }
    }

    /// A path, or `None` for `false` (`--no-NAME`).
    pub fn path_or_off(&self) -> Result<Option<PathBuf>, Error> {
        match &self.value {
            Value::Off | Value::Toml(toml::Value::Boolean(false)) => Ok(None),
            Value::Toml(toml::Value::Boolean(true)) => Err(self.wrong("a path or false")),
            _ => self.path().map(Some),
        }
    }

    /// `true` or `false` (`--no-NAME`: `false`).
    pub fn switch(&self) -> Result<bool, Error> {
        match &self.value {
            Value::Off => Ok(false),
            Value::Toml(toml::Value::Boolean(b)) => Ok(*b),
            Value::Word(w) if w == "true" => Ok(true),
            Value::Word(w) if w == "false" => Ok(false),
            _ => Err(self.wrong("true or false")),
        }
    }

    /// One of the key's names.
    pub fn choice(&self) -> Result<String, Error> {
        let Kind::Choice(names) = self.key.kind else {
            return Err(self.wrong("a name"));
        };
        let names = names();
        let name = self.text().map_err(|_| self.wrong("a name"))?;
        if names.iter().any(|(n, _)| *n == name) {
            return Ok(name);
        }
        let list: Vec<&str> = names.iter().map(|(n, _)| *n).collect();
        Err(self.invalid(format!(
            "{} {name:?} is not one of {}",
            self.key.name,
            list.join(", ")
        )))
    }
}
