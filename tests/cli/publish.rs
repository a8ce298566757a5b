//! Publish-ready listings, end to end on the sample: chapter times that agree with the
//! MP3's CHAP frames (read by ffprobe) to the millisecond, and the artist in every listing
//! that has a field for it.

use std::process::Command;

use crate::common::{narrate, sample_output, stderr};

/// `12.345` (JSON number or ffprobe's `12.345000`) to milliseconds.
fn ms(text: &str) -> u64 {
    let (whole, frac) = text.split_once('.').unwrap_or((text, "0"));
    let frac = frac.trim_end_matches('0');
    assert!(frac.len() <= 3, "{text}");
    format!("{whole}{frac:0<3}").parse().expect("seconds")
}

/// The MP3's chapters as ffprobe reads them: (start ms, end ms).
fn ffprobe_chapters(path: &std::path::Path) -> Option<Vec<(u64, u64)>> {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-show_chapters", "-of", "json"])
        .arg(path)
        .output()
        .ok()?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let chapters = value["chapters"].as_array().expect("chapters");
    Some(
        chapters
            .iter()
            .map(|c| {
                let time = |key: &str| ms(c[key].as_str().expect("a time"));
                (time("start_time"), time("end_time"))
            })
            .collect(),
    )
}

#[test]
fn chapter_times_are_contiguous_and_identical_in_every_listing_and_the_mp3() {
    let (out, _) = sample_output();
    let Some(mp3) = ffprobe_chapters(&out.join("episode.mp3")) else {
        assert!(std::env::var_os("CI").is_none(), "ffprobe is missing in CI");
        eprintln!("*** SKIPPED: ffprobe is not installed");
        return;
    };
    assert_eq!(mp3.len(), 13);
    for pair in mp3.windows(2) {
        assert_eq!(pair[0].1, pair[1].0, "the MP3's chapters: {mp3:?}");
    }

    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("chapters.json")).expect("json"))
            .expect("valid JSON");
    let json: Vec<(u64, u64)> = json["chapters"]
        .as_array()
        .expect("chapters")
        .iter()
        .map(|c| {
            (
                ms(&c["startTime"].to_string()),
                ms(&c["endTime"].to_string()),
            )
        })
        .collect();
    assert_eq!(json, mp3, "chapters.json against the MP3");

    let ffmetadata = std::fs::read_to_string(out.join("chapters.ffmetadata")).expect("read");
    let values = |key: &str| -> Vec<u64> {
        ffmetadata
            .lines()
            .filter_map(|l| l.strip_prefix(key))
            .map(|v| v.parse().expect("ms"))
            .collect()
    };
    let ffmetadata: Vec<(u64, u64)> = values("START=").into_iter().zip(values("END=")).collect();
    assert_eq!(ffmetadata, mp3, "chapters.ffmetadata against the MP3");

    let cue = std::fs::read_to_string(out.join("chapters.cue")).expect("read");
    let values = |key: &str| -> Vec<u64> {
        cue.lines()
            .filter_map(|l| l.trim().strip_prefix(key))
            .map(ms)
            .collect()
    };
    let cue: Vec<(u64, u64)> = values("REM START ")
        .into_iter()
        .zip(values("REM DURATION "))
        .map(|(start, length)| (start, start + length))
        .collect();
    assert_eq!(cue, mp3, "chapters.cue against the MP3");
}

/// Narrates a two-paragraph script in a fresh folder, with `narrate.toml` holding `toml`;
/// returns the folder and the output folder.
fn narrate_talk(toml: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("talk.txt"),
        "First paragraph here.\n\nSecond one is short.\n",
    )
    .expect("write");
    std::fs::write(dir.path().join("narrate.toml"), toml).expect("write");
    let out = narrate(dir.path())
        .args(["talk.txt", "-o", "out"])
        .output()
        .expect("run narrate");
    assert!(out.status.success(), "{}", stderr(&out));
    let out_dir = dir.path().join("out");
    (dir, out_dir)
}

/// The `PERFORMER` values of a cue sheet, disc first, quotes included.
fn performers(cue: &str) -> Vec<String> {
    cue.lines()
        .filter_map(|l| l.trim().strip_prefix("PERFORMER "))
        .map(str::to_owned)
        .collect()
}

/// What cuetools' `cueprint` says of a sheet (None when it is not installed).
fn cueprint(path: &std::path::Path) -> Option<String> {
    let out = Command::new("cueprint").arg(path).output().ok()?;
    assert!(
        out.status.success(),
        "cueprint refused {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn the_artist_reaches_the_cue_sheet_ffmetadata_and_json_chapters() {
    let (_dir, out) = narrate_talk("artist = \"Ann O'Neil\"\n");
    let cue = std::fs::read_to_string(out.join("chapters.cue")).expect("read");
    assert_eq!(performers(&cue), vec!["\"Ann O'Neil\""; 3], "{cue}");
    if let Some(printed) = cueprint(&out.join("chapters.cue")) {
        assert!(printed.contains("performer:\tAnn O'Neil"), "{printed}");
    }
    let ffmetadata = std::fs::read_to_string(out.join("chapters.ffmetadata")).expect("read");
    assert!(
        ffmetadata.starts_with(";FFMETADATA1\ntitle=talk\nartist=Ann O'Neil\n\n[CHAPTER]"),
        "{ffmetadata}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("chapters.json")).expect("read"))
            .expect("valid JSON");
    assert_eq!(json["author"], "Ann O'Neil");
}

#[test]
fn without_an_artist_no_listing_credits_narrate() {
    let (_dir, out) = narrate_talk("");
    let cue = std::fs::read_to_string(out.join("chapters.cue")).expect("read");
    assert!(performers(&cue).is_empty(), "{cue}");
    assert!(!cue.contains("narrate"), "{cue}");
    if let Some(printed) = cueprint(&out.join("chapters.cue")) {
        assert!(printed.contains("no. of tracks:\t2"), "{printed}");
    }
    let ffmetadata = std::fs::read_to_string(out.join("chapters.ffmetadata")).expect("read");
    assert!(!ffmetadata.contains("artist="), "{ffmetadata}");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("chapters.json")).expect("read"))
            .expect("valid JSON");
    assert!(json.get("author").is_none(), "{json}");
}

/// The closing summary of narrating `script` (one paragraph per blank-line block) with
/// `args`, in a fresh folder.
fn summary_of(script: &str, args: &[&str]) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("talk.txt"), script).expect("write");
    let out = narrate(dir.path())
        .args(["talk.txt", "-o", "out"])
        .args(args)
        .output()
        .expect("run narrate");
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    let start = err.find("narrated ").expect("a summary");
    err[start..].to_owned()
}

#[test]
fn summary_counts_in_the_singular_and_names_presets_as_typed() {
    let one = summary_of("Only one sentence here.\n", &[]);
    assert!(
        one.starts_with("narrated 1 paragraph, 1 sentence: "),
        "{one}"
    );
    assert!(one.contains(" dBTP (podcast)"), "{one}");
    assert!(!one.contains("Podcast"), "{one}");

    let two = summary_of(
        "One sentence. And two.\n\nA second paragraph.\n",
        &["--loudness", "ebu"],
    );
    assert!(
        two.starts_with("narrated 2 paragraphs, 3 sentences: "),
        "{two}"
    );
    assert!(two.contains("(ebu)"), "{two}");
    assert!(!two.contains("(Ebu)"), "{two}");

    let acx = summary_of("Only one sentence here.\n", &["--loudness", "acx"]);
    assert!(acx.contains("(acx)"), "{acx}");
}
