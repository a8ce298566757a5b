//! The spool keeps what was pushed, in memory or on disk, and reads it back in any chunks.

use super::*;
use crate::audio::Pcm;

/// Everything `spool` holds, read `n` at a time; also checks that no chunk is longer.
fn read_all(spool: &Spool, n: usize) -> Vec<f32> {
    let mut chunks = spool.chunks(n);
    let mut all = Vec::new();
    while let Some(chunk) = chunks.next_chunk().expect("read back") {
        assert!(
            !chunk.is_empty() && chunk.len() <= n,
            "a chunk of {}",
            chunk.len()
        );
        all.extend_from_slice(chunk);
    }
    all
}

/// Distinct, reproducible samples.
fn ramp(len: usize, from: usize) -> Vec<f32> {
    (from..from + len)
        .map(|i| (i as f32 * 0.001).sin())
        .collect()
}

#[test]
fn a_spool_within_its_bound_stays_in_memory_as_one_slice() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut spool = Spool::with_limit(8_000, dir.path(), 100);
    assert_eq!(spool.as_slice(), Some(&[][..]));
    assert!(spool.is_empty());
    assert_eq!(read_all(&spool, 10), Vec::<f32>::new());
    let samples = ramp(100, 0);
    spool.push(&samples[..60]).expect("push");
    spool.push(&samples[60..]).expect("push");
    assert!(!spool.is_spilled());
    assert_eq!(spool.as_slice(), Some(&samples[..]));
    assert_eq!(read_all(&spool, 7), samples);
    assert_eq!((spool.len(), spool.rate()), (100, 8_000));
    assert_eq!(spool.duration(), Duration::from_micros(12_500));
    assert_eq!(std::fs::read_dir(dir.path()).expect("ls").count(), 0);
}

#[test]
fn a_spool_past_its_bound_spills_to_an_unnamed_file_and_reads_back_the_same() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut spool = Spool::with_limit(22_050, dir.path(), 1_000);
    let samples = ramp(3 * WRITE_BATCH + 12_345, 7);
    // Pieces of every size: under the bound, across it, and past a write batch.
    let mut at = 0;
    for (i, size) in [999, 1, 1, 5_000, 2 * WRITE_BATCH + 17, 3, 70_000]
        .iter()
        .cycle()
        .enumerate()
    {
        if at == samples.len() {
            break;
        }
        let end = (at + size).min(samples.len());
        spool.push(&samples[at..end]).expect("push");
        at = end;
        assert_eq!(spool.is_spilled(), at > 1_000, "after piece {i}");
    }
    assert_eq!(spool.as_slice(), None);
    assert_eq!(spool.len(), samples.len() as u64);
    for n in [1, 999, 4_096, WRITE_BATCH, 1 << 20] {
        assert_eq!(read_all(&spool, n), samples, "chunks of {n}");
    }
    // Read again, and by two readers at once.
    let mut a = spool.chunks(333);
    let mut b = spool.chunks(333);
    let first = a.next_chunk().expect("a").expect("a chunk").to_vec();
    assert_eq!(b.next_chunk().expect("b"), Some(&first[..]));
    assert_eq!(first, samples[..333]);
    // The file has no name: nothing is left in the folder, even while it is in use.
    assert_eq!(std::fs::read_dir(dir.path()).expect("ls").count(), 0);
    assert_eq!(spool.dir(), dir.path());
}

#[test]
fn silence_and_faded_speech_go_in_as_a_pcm_takes_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let speech: Vec<i16> = (0..3_000)
        .map(|i| ((i * 37) % 20_000 - 10_000) as i16)
        .collect();
    let fade = Duration::from_millis(10);
    let pause = Duration::from_millis(300);
    let mut pcm = Pcm::new(22_050);
    let mut in_memory = Spool::new(22_050, dir.path());
    let mut spilled = Spool::with_limit(22_050, dir.path(), 2_000);
    for _ in 0..3 {
        pcm.push_silence(pause);
        let expected = pcm.push_speech(&speech, fade);
        for spool in [&mut in_memory, &mut spilled] {
            spool.push_silence(pause).expect("silence");
            assert_eq!(spool.push_speech(&speech, fade).expect("speech"), expected);
        }
    }
    assert!(spilled.is_spilled() && !in_memory.is_spilled());
    assert_eq!(in_memory.as_slice(), Some(&pcm.samples[..]));
    assert_eq!(read_all(&spilled, 4_096), pcm.samples);
}

#[test]
fn truncating_drops_the_tail_in_memory_and_on_disk() {
    let dir = tempfile::tempdir().expect("tempdir");
    let samples = ramp(5 * WRITE_BATCH, 0);
    for cut in [
        0,
        10,
        999,
        1_000,
        1_001,
        WRITE_BATCH + 5,
        4 * WRITE_BATCH + 3,
    ] {
        let mut spool = Spool::with_limit(22_050, dir.path(), 1_000);
        spool.push(&samples).expect("push");
        spool.truncate(cut as u64).expect("truncate");
        assert_eq!(spool.len(), cut as u64);
        assert_eq!(read_all(&spool, 4_096), samples[..cut], "cut at {cut}");
        // What comes after lands right after the cut.
        spool.push(&samples[..20]).expect("push");
        let mut expected = samples[..cut].to_vec();
        expected.extend_from_slice(&samples[..20]);
        assert_eq!(
            read_all(&spool, 777),
            expected,
            "cut at {cut}, then 20 more"
        );
        // A cut past the end changes nothing.
        spool.truncate(spool.len() + 5).expect("truncate");
        assert_eq!(spool.len(), expected.len() as u64);
    }
    let mut small = Spool::with_limit(22_050, dir.path(), 1_000);
    small.push(&samples[..500]).expect("push");
    small.truncate(100).expect("truncate");
    assert_eq!(small.as_slice(), Some(&samples[..100]));
}

#[test]
fn a_folder_that_cannot_take_the_file_is_an_error_that_names_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("no-such-folder");
    let mut spool = Spool::with_limit(22_050, &missing, 10);
    spool
        .push(&[0.5; 10])
        .expect("within the bound, no file is needed");
    let error = spool.push(&[0.5; 1]).expect_err("no folder to spill to");
    assert_eq!(error.dir, missing);
    assert_eq!(error.action, "create");
    let message = error.to_string();
    assert!(
        message.contains("no-such-folder") && message.contains("cannot create"),
        "{message}"
    );
}

#[test]
fn the_bound_is_three_minutes_of_audio() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut spool = Spool::new(1_000, dir.path());
    spool.push(&vec![0.25; 180_000]).expect("push");
    assert!(!spool.is_spilled());
    spool.push(&[0.25]).expect("push");
    assert!(spool.is_spilled());
    assert_eq!(IN_MEMORY, Duration::from_secs(180));
}
