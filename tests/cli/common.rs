//! Helpers shared by the end-to-end tests.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn sample_script() -> PathBuf {
    root().join("script/essay.txt")
}

/// A `narrate` command running in `dir`.
pub fn narrate(dir: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("narrate").expect("the narrate binary is built");
    cmd.current_dir(dir);
    for var in [
        "NARRATE_VOICE",
        "NARRATE_RATE",
        "NARRATE_PITCH",
        "NARRATE_OUTPUT",
        "NARRATE_ENGINE",
        "NARRATE_CONFIG",
        "NARRATE_LEXICON",
    ] {
        cmd.env_remove(var);
    }
    // The date the EPUB and the RSS item carry: fixed, so that builds of two copies of a
    // script (made at different times) can be compared byte for byte.
    cmd.env("SOURCE_DATE_EPOCH", FIXED_DATE.to_string());
    cmd
}

/// `SOURCE_DATE_EPOCH` of every test run: 2024-06-01T12:00:00Z.
pub const FIXED_DATE: u64 = 1_717_243_200;

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The sample narrated once, shared by read-only tests: (folder, stderr of the run).
pub fn sample_output() -> &'static (PathBuf, String) {
    static SAMPLE: OnceLock<(PathBuf, String)> = OnceLock::new();
    SAMPLE.get_or_init(|| {
        let dir = tempfile::Builder::new()
            .prefix("narrate-sample-")
            .tempdir()
            .expect("tempdir")
            .keep();
        let out = narrate(&root())
            .arg(sample_script())
            .arg("--episode-wav")
            .arg("-o")
            .arg(dir.join("output"))
            .output()
            .expect("run narrate");
        assert!(out.status.success(), "narrate failed: {}", stderr(&out));
        (dir.join("output"), stderr(&out))
    })
}

/// Paragraph WAV files of a folder (not the episode), sorted.
pub fn wavs(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("ls")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "wav"))
        .filter(|p| p.file_name().is_some_and(|n| n != "episode.wav"))
        .collect();
    v.sort();
    v
}

/// A WAV file's spec and samples.
pub fn read_wav(path: &Path) -> (hound::WavSpec, Vec<i16>) {
    let reader = hound::WavReader::open(path).expect("a readable WAV");
    let spec = reader.spec();
    let samples = reader
        .into_samples::<i16>()
        .collect::<Result<Vec<_>, _>>()
        .expect("16-bit samples");
    (spec, samples)
}

/// Duration of a WAV file from its header, in ms (rounded).
pub fn wav_ms(path: &Path) -> u64 {
    let reader = hound::WavReader::open(path).expect("a readable WAV");
    let spec = reader.spec();
    let frames = u64::from(reader.duration());
    (frames * 1000 + u64::from(spec.sample_rate) / 2) / u64::from(spec.sample_rate)
}

/// Every file of a folder (not recursive) with its bytes.
pub fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("ls")
        .map(|e| e.expect("entry"))
        .filter(|e| e.path().is_file())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("read"),
            )
        })
        .collect();
    v.sort();
    v
}

/// Copies the sample script and its lexicon into a fresh folder; returns (folder, script).
pub fn scratch_with_sample() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = dir.path().join("essay.txt");
    std::fs::copy(sample_script(), &script).expect("copy");
    (dir, script)
}

/// The manifest narrate keeps in `out` (inside its checksummed envelope).
pub fn manifest(out: &Path) -> serde_json::Value {
    let file: serde_json::Value = serde_json::from_slice(
        &std::fs::read(out.join(".narrate/manifest.json")).expect("manifest"),
    )
    .expect("json");
    file["manifest"].clone()
}
