//! narrate.toml, read into a [`Layer`]: every key of the table, each value remembering its
//! line; an unknown key is an error naming the file and line.

use std::collections::BTreeMap;
use std::path::Path;

use toml::Spanned;

use super::keys::{self, KEYS};
use super::layer::{Error, Layer, Origin, Value};

/// Reads the settings file at `path`; a missing file is an empty layer unless `explicit`
/// (named by `--config`), when it is an error.
pub fn read(path: &Path, explicit: bool) -> Result<Layer, Error> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => {
            return Ok(Layer::default())
        }
        Err(e) => {
            return Err(Error::File {
                path: path.to_path_buf(),
                message: format!("cannot read: {e}"),
            })
        }
    };
    parse(&text, path)
}

/// The line (from 1) of byte `offset` of `text`.
fn line_of(text: &str, offset: usize) -> usize {
    1 + text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

/// The settings of narrate.toml's `text`, read from `path`.
pub fn parse(text: &str, path: &Path) -> Result<Layer, Error> {
    type Table = BTreeMap<Spanned<String>, Spanned<toml::Value>>;
    let table: Table = toml::from_str(text).map_err(|e| Error::File {
        path: path.to_path_buf(),
        message: match e.span() {
            Some(span) => format!("line {}: {}", line_of(text, span.start), e.message()),
            None => e.message().to_owned(),
        },
    })?;
    let mut entries: Vec<_> = table.into_iter().collect();
    entries.sort_by_key(|(name, _)| name.span().start);
    let mut layer = Layer::default();
    for (name, value) in entries {
        let origin = Origin::File {
            path: path.to_path_buf(),
            line: line_of(text, name.span().start),
        };
        let Some(key) = keys::find(name.get_ref()) else {
            let names: Vec<&str> = KEYS.iter().map(|k| k.name).collect();
            return Err(Error::Value {
                origin,
                message: format!(
                    "unknown key `{}`; the keys are {}",
                    name.get_ref(),
                    names.join(", ")
                ),
            });
        };
        if let Some(earlier) = layer.get(key.name) {
            return Err(Error::Value {
                origin,
                message: format!(
                    "`{}` sets {} again ({})",
                    name.get_ref(),
                    key.name,
                    earlier.origin
                ),
            });
        }
        layer.set(key, Value::Toml(value.into_inner()), origin);
    }
    Ok(layer)
}
