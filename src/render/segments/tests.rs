//! Assembling from the cache directly: what the finishing thread normally encodes first is
//! missing or damaged when the episode or an ACX chapter file is put together.

use std::path::{Path, PathBuf};

use super::{Assembled, Segments};
use crate::audio::mp3::{segment::padding_step, Tags};
use crate::render::tests::damage_inside;

const RATE: u32 = 8_000;

/// A paragraph file of `steps` padding steps of a tone at `hz`, its hash, and its length.
fn paragraph(dir: &Path, name: &str, hz: f32, steps: u64) -> (PathBuf, String, u64) {
    let len = steps * padding_step(RATE, 44_100).expect("a step");
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: RATE,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let wav = dir.join(name);
    let mut out = hound::WavWriter::create(&wav, spec).expect("create");
    for i in 0..len {
        let t = i as f32 / RATE as f32;
        let s = (t * hz * std::f32::consts::TAU).sin() * 8_000.0;
        out.write_sample(s as i16).expect("sample");
    }
    out.finalize().expect("finalize");
    (wav, format!("hash of {name}"), len)
}

/// Two paragraph files of other tones and lengths in `dir`.
fn two_paragraphs(dir: &Path) -> [(PathBuf, String, u64); 2] {
    [
        paragraph(dir, "a.wav", 440.0, 40),
        paragraph(dir, "b.wav", 660.0, 30),
    ]
}

/// A segment cache in `dir`: 44.1 kHz, 128 kbps, from paragraphs at [`RATE`].
fn cache(dir: &Path) -> Segments {
    std::fs::create_dir(dir.join("t")).expect("mkdir");
    Segments::new(dir.join("s"), dir.join("t"), RATE, 44_100, 128).expect("a format")
}

fn assemble(
    segments: &Segments,
    dir: &Path,
    paragraphs: &[(PathBuf, String, u64)],
    room: (u64, u64),
) -> (Assembled, Vec<u8>) {
    let path = dir.join("out.mp3");
    let file = std::fs::File::create(&path).expect("create");
    let assembled = segments
        .assemble_in_room(&file, &Tags::default(), paragraphs, room)
        .expect("assemble");
    (assembled, std::fs::read(&path).expect("read"))
}

#[test]
fn a_segment_missing_when_assembling_is_encoded_then_without_a_warning() {
    let dir = tempfile::tempdir().expect("tempdir");
    let segments = cache(dir.path());
    let paragraphs = two_paragraphs(dir.path());
    let (first, bytes) = assemble(&segments, dir.path(), &paragraphs, (0, 0));
    assert_eq!((first.encoded, first.warnings.len()), (2, 0));
    let (again, same) = assemble(&segments, dir.path(), &paragraphs, (0, 0));
    assert_eq!((again.encoded, again.warnings.len()), (0, 0));
    assert!(same == bytes);
    std::fs::remove_file(segments.path(&paragraphs[1].1)).expect("remove");
    let (gone, same) = assemble(&segments, dir.path(), &paragraphs, (0, 0));
    assert_eq!((gone.encoded, gone.warnings), (1, vec![]));
    assert!(same == bytes);
}

#[test]
fn a_damaged_segment_of_a_file_with_room_tone_is_its_own_paragraph_encoded_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    let segments = cache(dir.path());
    let paragraphs = two_paragraphs(dir.path());
    let room = (3, 5);
    let (first, bytes) = assemble(&segments, dir.path(), &paragraphs, room);
    assert_eq!(first.encoded, 2);
    for (i, (_, hash, _)) in paragraphs.iter().enumerate() {
        let victim = segments.path(hash);
        damage_inside(&victim);
        let (again, same) = assemble(&segments, dir.path(), &paragraphs, room);
        assert_eq!(again.encoded, 1, "paragraph {i}");
        let name = victim.file_name().expect("name").to_string_lossy();
        assert!(
            again.warnings.len() == 1 && again.warnings[0].contains(&*name),
            "{:?}",
            again.warnings
        );
        assert!(same == bytes, "paragraph {i}: another file");
    }
}

#[test]
#[cfg(target_os = "linux")]
fn a_cached_segment_that_cannot_be_read_is_encoded_again_with_a_warning() {
    let dir = tempfile::tempdir().expect("tempdir");
    let segments = cache(dir.path());
    let paragraphs = two_paragraphs(dir.path());
    let (_, bytes) = assemble(&segments, dir.path(), &paragraphs, (2, 2));
    // A file that is there, opens, and fails to read: reading address 0 of this process.
    let victim = segments.path(&paragraphs[0].1);
    std::fs::remove_file(&victim).expect("remove");
    std::os::unix::fs::symlink("/proc/self/mem", &victim).expect("link");
    let (again, same) = assemble(&segments, dir.path(), &paragraphs, (2, 2));
    assert_eq!(again.encoded, 1);
    let name = victim.file_name().expect("name").to_string_lossy();
    assert!(
        again.warnings.len() == 1 && again.warnings[0].contains(&*name),
        "{:?}",
        again.warnings
    );
    assert!(same == bytes);
    assert!(
        victim.is_file() && !victim.is_symlink(),
        "the segment is a file again"
    );
}

#[test]
fn a_segment_this_run_made_that_cannot_be_copied_is_an_error_not_made_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    let segments = cache(dir.path());
    // A paragraph cached under the room tone's key: encoding it overwrites the room tone
    // this run made, which is then found wrong when copied. Made again, it would overwrite
    // the paragraph in turn, without end.
    let (wav, _, len) = paragraph(dir.path(), "a.wav", 440.0, 40);
    let paragraphs = [(wav, "silence of 2 frames".to_owned(), len)];
    let path = dir.path().join("out.mp3");
    let file = std::fs::File::create(&path).expect("create");
    let got = segments.assemble_in_room(&file, &Tags::default(), &paragraphs, (2, 0));
    let err = got.expect_err("the room tone is not what it was");
    assert!(err.to_string().starts_with("episode.mp3: "), "{err}");
}
