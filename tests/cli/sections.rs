//! A Markdown script's chapters are its sections: one chapter per `##` section in every
//! chapter listing and in the MP3 (read by ffprobe), the `#` title names the program and is
//! spoken first, a list is one file; the read-along page lists the same chapters; the
//! per-file listings name each file's section, and
//! every time agrees to the millisecond, contiguous.

use std::path::Path;
use std::process::Command;

use crate::common::{manifest, narrate, stderr, wav_ms, wavs};
use crate::podcast::tool;

/// A talk: a `#` title, three sections of two paragraphs, the first with a three-item list.
const TALK: &str = "\
# The Creeping Barrage

## How a Barrage Works

Artillery fired a curtain of shells just ahead of the infantry. The guns lifted a hundred yards every few minutes.

The plan asked three things of every battalion:

- the guns fire to a strict timetable
- the infantry walk at a steady pace
- the shells land just ahead of the line

## Why It Failed

Mud slowed the walk, and the timetable did not wait.

Wire that the shells had not cut held the men in the open.

## What Came After

Later barrages were planned with the infantry, not for them.

Radio let the guns wait for the men.
";

const SECTIONS: [&str; 3] = ["How a Barrage Works", "Why It Failed", "What Came After"];

/// The files' titles, as the playlist and the CUE sheet must give them.
const FILE_TITLES: [&str; 7] = [
    "How a Barrage Works (1/3)",
    "How a Barrage Works (2/3)",
    "How a Barrage Works (3/3)",
    "Why It Failed (1/2)",
    "Why It Failed (2/2)",
    "What Came After (1/2)",
    "What Came After (2/2)",
];

/// `12.345` (seconds with up to three decimals) to milliseconds, exactly.
fn ms(text: &str) -> u64 {
    let text = text.trim_matches('"');
    let (whole, frac) = text.split_once('.').unwrap_or((text, "0"));
    assert!(
        frac.len() <= 3 || frac[3..].chars().all(|c| c == '0'),
        "{text}"
    );
    let frac = format!("{:0<3}", &frac[..frac.len().min(3)]);
    format!("{whole}{frac}").parse().expect("seconds")
}

/// (start, end, title) of each chapter of chapters.json.
fn json_chapters(out: &Path) -> (serde_json::Value, Vec<(u64, u64, String)>) {
    let value: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("chapters.json")).expect("chapters.json"))
            .expect("json");
    let chapters = (value["chapters"].as_array().expect("chapters").iter())
        .map(|c| {
            (
                ms(&c["startTime"].to_string()),
                ms(&c["endTime"].to_string()),
                c["title"].as_str().expect("a title").to_owned(),
            )
        })
        .collect();
    (value, chapters)
}

/// (start, end, title) of each `[CHAPTER]` of chapters.ffmetadata (TIMEBASE 1/1000).
fn ffmetadata_chapters(out: &Path) -> Vec<(u64, u64, String)> {
    let text = std::fs::read_to_string(out.join("chapters.ffmetadata")).expect("ffmetadata");
    let mut chapters: Vec<(u64, u64, String)> = Vec::new();
    for line in text.lines() {
        if line == "[CHAPTER]" {
            chapters.push((0, 0, String::new()));
        } else if let Some(c) = chapters.last_mut() {
            if let Some(v) = line.strip_prefix("START=") {
                c.0 = v.parse().expect("ms");
            } else if let Some(v) = line.strip_prefix("END=") {
                c.1 = v.parse().expect("ms");
            } else if let Some(v) = line.strip_prefix("title=") {
                c.2 = v.to_owned();
            } else if let Some(v) = line.strip_prefix("TIMEBASE=") {
                assert_eq!(v, "1/1000");
            }
        }
    }
    chapters
}

/// (file, start, duration, title) of each CUE track.
fn cue_tracks(out: &Path) -> Vec<(String, u64, u64, String)> {
    let text = std::fs::read_to_string(out.join("chapters.cue")).expect("cue");
    let mut tracks: Vec<(String, u64, u64, String)> = Vec::new();
    let mut file = String::new();
    for line in text.lines().map(str::trim) {
        let quoted = || line.split('"').nth(1).unwrap_or_default().to_owned();
        if line.starts_with("FILE ") {
            file = quoted();
        } else if line.starts_with("TRACK ") {
            tracks.push((file.clone(), 0, 0, String::new()));
        } else if let Some(t) = tracks.last_mut() {
            if line.starts_with("TITLE ") {
                t.3 = quoted();
            } else if let Some(v) = line.strip_prefix("REM START ") {
                t.1 = ms(v);
            } else if let Some(v) = line.strip_prefix("REM DURATION ") {
                t.2 = ms(v);
            }
        }
    }
    tracks
}

/// (length, title, file) of each playlist entry.
fn playlist(out: &Path) -> Vec<(u64, String, String)> {
    let text = std::fs::read_to_string(out.join("playlist.m3u8")).expect("playlist");
    let mut lines = text.lines();
    let mut entries = Vec::new();
    while let Some(line) = lines.next() {
        if let Some(info) = line.strip_prefix("#EXTINF:") {
            let (secs, title) = info.split_once(',').expect("a title");
            let file = lines.next().expect("a file");
            entries.push((ms(secs), title.to_owned(), file.to_owned()));
        }
    }
    entries
}

/// (start, end, title) of each chapter of `episode.mp3` as ffprobe reads its ID3 CHAP frames.
fn ffprobe_chapters(mp3: &Path) -> Vec<(u64, u64, String)> {
    let probe = Command::new("ffprobe")
        .args(["-v", "error", "-show_chapters", "-of", "json"])
        .arg(mp3)
        .output()
        .expect("ffprobe");
    assert!(
        probe.status.success(),
        "{}",
        String::from_utf8_lossy(&probe.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&probe.stdout).expect("json");
    (json["chapters"].as_array().expect("chapters").iter())
        .map(|c| {
            assert_eq!(c["time_base"], "1/1000", "{c}");
            (
                c["start"].as_u64().expect("start"),
                c["end"].as_u64().expect("end"),
                c["tags"]["title"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[test]
fn markdown_sections_are_the_chapters_of_every_listing_and_the_mp3() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("talk.md"), TALK).expect("write");
    let run = narrate(dir.path())
        .args(["talk.md", "-o", "output"])
        .output()
        .expect("run narrate");
    assert!(run.status.success(), "{}", stderr(&run));
    let out = dir.path().join("output");

    // One file per paragraph, the list one of them.
    let files = wavs(&out);
    assert_eq!(files.len(), 7, "{files:?}");
    let names: Vec<String> = (files.iter())
        .map(|f| {
            f.file_name()
                .expect("a name")
                .to_string_lossy()
                .into_owned()
        })
        .collect();

    // The per-file listings: a track per file, titled with its section, back to back, each
    // as long as its WAV file's header says.
    let tracks = cue_tracks(&out);
    let entries = playlist(&out);
    assert_eq!(tracks.len(), 7);
    assert_eq!(entries.len(), 7);
    let mut at = 0;
    for (i, ((track, entry), file)) in tracks.iter().zip(&entries).zip(&files).enumerate() {
        assert_eq!(track.0, names[i]);
        assert_eq!(entry.2, names[i]);
        assert_eq!(track.3, FILE_TITLES[i]);
        assert_eq!(entry.1, FILE_TITLES[i]);
        assert_eq!(
            track.1,
            at,
            "track {} starts where the one before ends",
            i + 1
        );
        assert_eq!(track.2, entry.0);
        assert!(
            track.2.abs_diff(wav_ms(file)) <= 1,
            "{track:?} vs {}",
            wav_ms(file)
        );
        at += track.2;
    }
    let total = at;

    // Three chapters, the same to the millisecond in chapters.json, chapters.ffmetadata and
    // the MP3; contiguous from 0 to the end; each starts and ends on a file boundary.
    let (json, chapters) = json_chapters(&out);
    assert_eq!(json["title"], "The Creeping Barrage");
    let titles: Vec<&str> = chapters.iter().map(|c| c.2.as_str()).collect();
    assert_eq!(titles, SECTIONS);
    assert_eq!(chapters[0].0, 0);
    assert_eq!(chapters[2].1, total);
    for pair in chapters.windows(2) {
        assert_eq!(pair[0].1, pair[1].0, "{chapters:?}");
    }
    let starts: Vec<u64> = chapters.iter().map(|c| c.0).collect();
    assert_eq!(starts, [tracks[0].1, tracks[3].1, tracks[5].1]);
    assert_eq!(ffmetadata_chapters(&out), chapters);
    if tool("ffprobe") {
        assert_eq!(ffprobe_chapters(&out.join("episode.mp3")), chapters);
    }

    // The read-along page lists the same three chapters, at the same times.
    let page = std::fs::read_to_string(out.join("read-along.html")).expect("read-along.html");
    let listed: Vec<String> = (chapters.iter().enumerate())
        .map(|(i, c)| format!("<li><a href=\"#c{}\" data-start=\"{}\">", i + 1, c.0))
        .collect();
    assert_eq!(page.matches("<li><a href=\"#c").count(), 3);
    assert!(
        listed.iter().all(|l| page.contains(l.as_str())),
        "{listed:?}"
    );

    // The `#` title is spoken first, in the first file, and is not a chapter of its own.
    let manifest = manifest(&out);
    let paragraphs = manifest["paragraphs"].as_array().expect("paragraphs");
    let first: Vec<&str> = (paragraphs[0]["sentences"]
        .as_array()
        .expect("sentences")
        .iter())
    .map(|s| s["text"].as_str().expect("text"))
    .take(3)
    .collect();
    assert_eq!(
        first,
        [
            "The Creeping Barrage",
            "How a Barrage Works",
            "Artillery fired a curtain of shells just ahead of the infantry."
        ]
    );
    // The list is one file whose items are its sentences, each ending as a sentence.
    let list = paragraphs[2]["sentences"].as_array().expect("sentences");
    let spoken: Vec<&str> = list
        .iter()
        .map(|s| s["speech"].as_str().expect("speech"))
        .collect();
    assert_eq!(
        spoken,
        [
            "the guns fire to a strict timetable.",
            "the infantry walk at a steady pace.",
            "the shells land just ahead of the line.",
        ]
    );

    // Nothing changed: a second run writes nothing.
    let again = narrate(dir.path())
        .args(["talk.md", "-o", "output"])
        .output()
        .expect("run narrate");
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(stderr(&again).contains("0 written"), "{}", stderr(&again));
}

#[test]
fn editing_a_heading_speaks_only_it_and_renames_its_sections_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = dir.path().join("talk.md");
    std::fs::write(&script, TALK).expect("write");
    let run = |dir: &Path| {
        let out = narrate(dir)
            .args(["talk.md", "-o", "output"])
            .output()
            .expect("run narrate");
        assert!(out.status.success(), "{}", stderr(&out));
        stderr(&out)
    };
    run(dir.path());
    let edited = TALK.replace("## Why It Failed", "## Why the Plan Failed");
    std::fs::write(&script, edited).expect("write");
    let err = run(dir.path());
    assert!(err.contains("speech: 1 synthesized"), "{err}");
    assert!(
        err.contains("files: 2 written, 5 unchanged, 2 removed"),
        "{err}"
    );
    assert!(err.contains("MP3 segments: 1 encoded, 6 reused"), "{err}");
    let out = dir.path().join("output");
    let names: Vec<String> = (wavs(&out).iter())
        .map(|f| {
            f.file_name()
                .expect("a name")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(
        names[3..5],
        ["04-why-the-plan-failed.wav", "05-why-the-plan-failed.wav"]
    );
    let (_, chapters) = json_chapters(&out);
    let titles: Vec<&str> = chapters.iter().map(|c| c.2.as_str()).collect();
    assert_eq!(titles, [SECTIONS[0], "Why the Plan Failed", SECTIONS[2]]);
    if tool("ffprobe") {
        assert_eq!(ffprobe_chapters(&out.join("episode.mp3")), chapters);
    }
}
