//! The read-along files end to end: the page driven in Debian's Chromium (headless, over
//! the DevTools pipe), the EPUB checked by Debian's epubcheck, the JSON transcript and the
//! RSS item parsed and held against the MP3 (ffprobe). `scripts/setup --test` installs the
//! three tools; without one these tests say so loudly and pass, except in CI (`CI=true`),
//! where that is a failure.
//!
//! `NARRATE_SCREENSHOT=path.png` also copies the page's screenshot there (the README's is
//! made this way, once).

mod cdp;

use std::io::Write;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::common::{narrate, stderr};
use cdp::Browser;

/// Whether `program args` runs; if not, a loud notice, or a failure in CI.
fn have(program: &str, args: &[&str]) -> bool {
    let found = Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "{program} is missing in CI (scripts/setup --test installs it)"
        );
        let _ = writeln!(
            std::io::stderr(),
            "\n*** SKIPPED: {program} is not installed (scripts/setup --test installs it)\n"
        );
    }
    found
}

fn chromium() -> bool {
    have("chromium", &["--version"])
}

/// Debian's `/usr/bin/epubcheck` is a jar run through binfmt, which containers often lack:
/// the jar is run with java where it is.
fn epubcheck_command() -> Command {
    let jar = Path::new("/usr/share/java/epubcheck.jar");
    if jar.is_file() {
        let mut java = Command::new("java");
        java.arg("-jar").arg(jar);
        java
    } else {
        Command::new("epubcheck")
    }
}

pub(crate) fn have_epubcheck() -> bool {
    let found = epubcheck_command()
        .arg("--version")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("EPUBCheck"));
    found || have("epubcheck", &["--version"])
}

/// epubcheck's verdict on `epub`: no fatal, no error, no warning.
pub(crate) fn assert_epubcheck_passes(epub: &Path) {
    let out = epubcheck_command()
        .arg(epub)
        .output()
        .expect("epubcheck runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{}: {text}", epub.display());
    assert!(
        text.contains("No errors or warnings detected."),
        "{}: {text}",
        epub.display()
    );
    assert!(text.contains("0 fatals / 0 errors / 0 warnings"), "{text}");
}

/// `file://` URL of a path.
fn file_url(path: &Path) -> String {
    let path = path.canonicalize().expect("an existing file");
    format!("file://{}", path.display())
}

/// transcript.json's segments as (start ms, end ms, body), checked against the
/// Podcasting 2.0 field names and types on the way.
fn segments(out: &Path) -> Vec<(u64, u64, String)> {
    let text = std::fs::read_to_string(out.join("transcript.json")).expect("transcript.json");
    let json: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(json["version"], "1.0.0");
    json["segments"]
        .as_array()
        .expect("a segments array")
        .iter()
        .map(|s| {
            let keys: Vec<&String> = s.as_object().expect("an object").keys().collect();
            assert_eq!(keys, ["body", "endTime", "startTime"], "{s}");
            let ms = |key: &str| (s[key].as_f64().expect("a number") * 1000.0).round() as u64;
            let body = s["body"].as_str().expect("a string").to_owned();
            (ms("startTime"), ms("endTime"), body)
        })
        .collect()
}

/// chapters.json's (start ms, end ms).
fn chapters(out: &Path) -> Vec<(u64, u64)> {
    let text = std::fs::read_to_string(out.join("chapters.json")).expect("chapters.json");
    let json: Value = serde_json::from_str(&text).expect("JSON");
    let ms = |v: &Value| (v.as_f64().expect("a number") * 1000.0).round() as u64;
    json["chapters"]
        .as_array()
        .expect("chapters")
        .iter()
        .map(|c| (ms(&c["startTime"]), ms(&c["endTime"])))
        .collect()
}

/// Copies a folder with its `.narrate` state (and so its cache): a run on the copy speaks
/// nothing.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("ls") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            if entry.file_name() != "tmp" {
                copy_dir(&entry.path(), &target);
            }
        } else if entry.file_name() != "lock" {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// A run of narrate in `dir` with `args`, which must succeed; its stderr.
fn run(dir: &Path, args: &[&str]) -> String {
    let out = narrate(dir).args(args).output().expect("run narrate");
    assert!(out.status.success(), "{}", stderr(&out));
    stderr(&out)
}

/// The page's state: (ids of the highlighted sentences, audio position in ms).
fn state(browser: &mut Browser) -> (Vec<String>, f64) {
    let v = browser.eval(
        "[[...document.querySelectorAll('#text .active')].map(e => e.id),
          document.getElementById('audio').currentTime * 1000]",
    );
    let ids = v[0]
        .as_array()
        .expect("ids")
        .iter()
        .map(|id| id.as_str().expect("an id").to_owned())
        .collect();
    (ids, v[1].as_f64().expect("a time"))
}

/// Waits in the page until the audio element has its metadata; its duration in ms.
fn loaded(browser: &mut Browser) -> f64 {
    let duration = browser.eval(
        "new Promise(done => { const a = document.getElementById('audio');
          if (a.readyState >= 1) done(a.duration * 1000);
          else a.addEventListener('loadedmetadata', () => done(a.duration * 1000), {once: true}); })",
    );
    duration.as_f64().expect("a duration")
}

/// Counts the audio's `seeked` events in the page (`window.seeks`) and keeps the position
/// each one reached (`window.seekedAt`, ms), before playback moves it on.
fn count_seeks(browser: &mut Browser) {
    browser.eval(
        "window.seeks = 0; const a = document.getElementById('audio');
         a.addEventListener('seeked', () => { window.seeks++; window.seekedAt = a.currentTime * 1000; }); true",
    );
}

/// Does `action`, then waits for the seek it starts to end; the position it reached, ms.
fn seek_by(browser: &mut Browser, action: impl FnOnce(&mut Browser)) -> f64 {
    let before = browser
        .eval("window.seeks")
        .as_u64()
        .expect("count_seeks first");
    action(browser);
    let at = browser.eval(&format!(
        "new Promise((done, fail) => {{ const t0 = Date.now();
           const check = () => window.seeks > {before} ? done(window.seekedAt)
             : Date.now() - t0 > 20000 ? fail(new Error('no seek')) : setTimeout(check, 5);
           check(); }})"
    ));
    at.as_f64().expect("a position")
}

/// Console messages and uncaught errors the page produced, and requests to anything but
/// local files.
fn complaints(browser: &Browser) -> (Vec<String>, Vec<String>) {
    let console = browser
        .events_named("Runtime.consoleAPICalled")
        .filter(|e| {
            ["error", "warning", "assert"].contains(&e["params"]["type"].as_str().unwrap_or(""))
        })
        .chain(browser.events_named("Runtime.exceptionThrown"))
        .chain(browser.events_named("Log.entryAdded").filter(|e| {
            ["error", "warning"].contains(&e["params"]["entry"]["level"].as_str().unwrap_or(""))
        }))
        .map(|e| e["params"].to_string())
        .collect();
    let remote = browser
        .events_named("Network.requestWillBeSent")
        .filter_map(|e| e["params"]["request"]["url"].as_str())
        .filter(|url| !url.starts_with("file://") && !url.starts_with("data:"))
        .map(str::to_owned)
        .collect();
    (console, remote)
}

mod browser;
mod files;
