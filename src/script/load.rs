//! Reading a script from disk or standard input, and its lexicon, with the checks that turn
//! a wrong file into a clear message before any audio work starts.

use std::io::Read;
use std::path::Path;

use crate::config::{Source, DEFAULT_SCRIPT};
use crate::error::InputError;
use crate::text::normalize::Lexicon;
use crate::text::{self, Document, Format};

/// The format a path implies: Markdown for `.md`/`.markdown`, plain text otherwise.
pub fn format_of(source: &Source) -> Format {
    match source {
        Source::File(p) => match p.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown") => {
                Format::Markdown
            }
            _ => Format::Plain,
        },
        Source::Stdin => Format::Plain,
    }
}

/// Reads the raw bytes of the script.
pub fn read_bytes(source: &Source) -> Result<Vec<u8>, InputError> {
    match source {
        Source::Stdin => {
            let mut buf = Vec::new();
            std::io::stdin()
                .read_to_end(&mut buf)
                .map_err(|source| InputError::Read {
                    path: "<stdin>".into(),
                    source,
                })?;
            Ok(buf)
        }
        Source::File(path) => read_file(path),
    }
}

/// `path` is missing: the error, with a hint at what was meant. The same name with one of
/// `extensions` beside it is suggested; else a missing default script says how to name one,
/// and a relative path where it was looked for. `more` is added to the last two hints.
pub fn not_found(path: &Path, extensions: &[&str], more: &str) -> InputError {
    let sibling = extensions
        .iter()
        .map(|e| path.with_extension(e))
        .find(|p| p != path && p.is_file());
    let hint = if let Some(sibling) = sibling {
        format!("did you mean {}?", sibling.display())
    } else if path == Path::new(DEFAULT_SCRIPT) {
        format!(
            "with no script named, narrate reads {DEFAULT_SCRIPT}; name yours: \
             `narrate my-essay.md`{more}"
        )
    } else if let (true, Ok(cwd)) = (path.is_relative(), std::env::current_dir()) {
        format!("looked for in the current folder, {}{more}", cwd.display())
    } else {
        format!("check the path{more}")
    };
    InputError::NotFound {
        path: path.into(),
        hint,
    }
}

fn read_file(path: &Path) -> Result<Vec<u8>, InputError> {
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(not_found(
                path,
                &["md", "markdown", "txt"],
                "; `-` reads standard input",
            ))
        }
        Ok(m) if m.is_dir() => return Err(InputError::Directory { path: path.into() }),
        _ => {}
    }
    std::fs::read(path).map_err(|source| InputError::Read {
        path: path.into(),
        source,
    })
}

/// Checks that `bytes` are a UTF-8 text script and returns the text.
pub fn decode(bytes: Vec<u8>, path: &Path) -> Result<String, InputError> {
    if let Some(offset) = bytes.iter().position(|&b| b == 0) {
        return Err(InputError::Binary {
            path: path.into(),
            offset,
        });
    }
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let line = 1 + e.as_bytes()[..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        InputError::NotUtf8 {
            path: path.into(),
            line,
            offset,
        }
    })
}

/// Reads, checks and parses a script. Fails if nothing in it can be spoken.
pub fn load(source: &Source) -> Result<Document, InputError> {
    let path = source.display();
    let text = decode(read_bytes(source)?, &path)?;
    let doc = text::parse::parse(&text, format_of(source));
    if doc.paragraphs.is_empty() {
        return Err(InputError::NothingSpeakable { path });
    }
    Ok(doc)
}

/// Reads the lexicon at `path`, or an empty one without a path.
pub fn lexicon(path: Option<&Path>) -> Result<Lexicon, InputError> {
    let Some(path) = path else {
        return Ok(Lexicon::default());
    };
    let source = match std::fs::read_to_string(path) {
        Ok(s) => s,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(not_found(path, &["toml"], ""))
        }
        Err(source) => {
            return Err(InputError::Read {
                path: path.to_path_buf(),
                source,
            })
        }
    };
    Ok(Lexicon::parse(&source, path)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_byte_is_binary() {
        let err = decode(b"abc\0def".to_vec(), Path::new("x.txt")).expect_err("must fail");
        assert!(matches!(err, InputError::Binary { offset: 3, .. }), "{err}");
    }

    #[test]
    fn invalid_utf8_names_line_and_offset() {
        let err =
            decode(b"one\ntwo \xff three".to_vec(), Path::new("x.txt")).expect_err("must fail");
        assert_eq!(
            err.to_string(),
            "x.txt:2: not valid UTF-8 (byte offset 8); save the script as UTF-8"
        );
    }

    #[test]
    fn markdown_by_extension() {
        assert_eq!(format_of(&Source::File("a/b.MD".into())), Format::Markdown);
        assert_eq!(
            format_of(&Source::File("a/b.markdown".into())),
            Format::Markdown
        );
        assert_eq!(format_of(&Source::File("a/b".into())), Format::Plain);
        assert_eq!(format_of(&Source::Stdin), Format::Plain);
    }
}
