//! Segments read back by ffmpeg: each in place, the seams between them, the same bytes
//! every time, and paragraphs resampled from the engine's rate.
use std::io::Cursor;

use super::episode;
use super::segment;
use super::testing::*;
use super::*;
use crate::audio::resample;

#[test]
fn a_segment_decodes_to_its_paragraph_in_place_at_every_rate() {
    if !have("ffmpeg") {
        return;
    }
    let dir = tempfile::tempdir().expect("dir");
    for rate in SAMPLE_RATES {
        let format = Format::new(rate, 64).expect("format");
        let encoder = segment::Encoder::new(Vec::new(), format).expect("encoder");
        // LAME 3.100 delays 576 samples at every rate, the decoder 529: 1105, so 47 samples
        // of silence put the paragraph on the second frame (MPEG-2's 576 too: 2 x 576).
        assert_eq!(encoder.pre_roll(), 47, "{rate} Hz");
        let source = padded(paragraph(rate, 1_500, 1), rate);
        let (segment, bytes) = encode_segment(&source, format, 10_000);
        assert_eq!(segment.samples(), source.len() as u64);
        let decoded = decode(&save(dir.path(), "one.mp3", &bytes), &[]);
        assert_eq!(decoded.len(), source.len(), "{rate} Hz");
        assert_eq!(best_lag(&source, &decoded, 1_500), 0, "{rate} Hz");
        let snr = snr_db(&source, &decoded);
        assert!(snr > 20.0, "{rate} Hz: SNR {snr:.1} dB");
    }
}

#[test]
fn seams_match_one_continuous_encode_and_the_source_at_every_rate() {
    if !have("ffmpeg") {
        return;
    }
    let dir = tempfile::tempdir().expect("dir");
    for rate in SAMPLE_RATES {
        let format = Format::new(rate, 64).expect("format");
        let program = Program::new(format, &SPEECH_MS);
        let source = program.samples();
        let continuous = encode(&source, rate, 64, &Tags::default()).expect("one encode");
        let continuous = decode(&save(dir.path(), "one.mp3", &continuous), &[]);
        assert_eq!(continuous.len(), source.len(), "{rate} Hz: the reference");
        let (bytes, _) = program.episode();
        let joined = decode(&save(dir.path(), "episode.mp3", &bytes), &[]);
        assert_eq!(joined.len(), source.len(), "{rate} Hz");
        let starts = program.starts();
        for (i, &seam) in starts[1..starts.len() - 1].iter().enumerate() {
            let what = format!("{rate} Hz, seam {}", i + 1);
            // From the last 300 ms of one paragraph's speech to the first 300 ms of the next.
            let pad = program.paragraphs[i].len() - paragraph(rate, SPEECH_MS[i], 0).len();
            let speech_end = seam - pad - ms(rate, TAIL_MS);
            let speech_start = seam + ms(rate, HEAD_MS);
            let window = speech_end - ms(rate, 300)..speech_start + ms(rate, 300);
            let (s, c, j) = (
                &source[window.clone()],
                &continuous[window.clone()],
                &joined[window],
            );
            assert_eq!(best_lag(c, j, 64), 0, "{what}: shifted against one encode");
            assert_eq!(best_lag(s, j, 64), 0, "{what}: shifted against the source");
            let (ours, theirs) = (snr_db(s, j), snr_db(s, c));
            assert!(
                ours > theirs - 1.0,
                "{what}: SNR {ours:.1} dB, one encode {theirs:.1}"
            );
            // No click, no gap: the silence around the seam decodes to silence.
            let quiet = speech_end + ms(rate, 200)..speech_start - ms(rate, 200);
            let click = peak(&joined[quiet]);
            assert!(click < 1e-6, "{what}: {click:e} at the seam");
        }
    }
}

#[test]
fn segments_and_episodes_are_the_same_bytes_in_a_second_build() {
    let format = Format::new(44_100, 96).expect("format");
    let first = Program::new(format, &SPEECH_MS[..3]);
    let second = Program::new(format, &SPEECH_MS[..3]);
    for ((segment, bytes), p) in first.segments.iter().zip(&first.paragraphs) {
        // However the paragraph is fed to the encoder.
        for piece in [1_000, 65_536, p.len()] {
            let again = encode_segment(p, format, piece);
            assert!(again == (*segment, bytes.clone()), "pieces of {piece}");
        }
    }
    assert!(
        first.episode().0 == second.episode().0,
        "the episodes differ"
    );
}

#[test]
fn paragraphs_from_the_engine_rate_resample_and_encode_to_exact_lengths() {
    if !have("ffmpeg") {
        return;
    }
    let dir = tempfile::tempdir().expect("dir");
    let mut pairs: Vec<(u32, u32)> = SAMPLE_RATES.iter().map(|&to| (22_050, to)).collect();
    pairs.extend([(16_000, 44_100), (24_000, 44_100), (16_000, 48_000)]);
    for (from, to) in pairs {
        let what = format!("{from} Hz to {to} Hz");
        let mut source = paragraph(from, 1_100, 3);
        let pad = segment::padding(source.len() as u64, from, to).expect("padding");
        source.resize(source.len() + pad as usize, 0.0);
        let exact = source.len() as u64 * u64::from(to) / u64::from(from);
        assert_eq!(exact * u64::from(from), source.len() as u64 * u64::from(to));
        let format = Format::new(to, 64).expect("format");
        let mut stream = resample::Stream::new(from, to).expect("resampler");
        let mut encoder = segment::Encoder::new(Vec::new(), format).expect("encoder");
        let mut resampled = Vec::new();
        let mut all = Vec::new();
        for chunk in source.chunks(3_000) {
            resampled.clear();
            stream.push(chunk, &mut resampled).expect("resample");
            encoder.push(&resampled).expect("encode");
            all.extend_from_slice(&resampled);
        }
        resampled.clear();
        assert_eq!(
            stream.finish(&mut resampled).expect("finish"),
            exact,
            "{what}"
        );
        encoder.push(&resampled).expect("encode");
        all.extend_from_slice(&resampled);
        let (segment, bytes) = encoder.finish().expect("whole frames");
        assert_eq!(segment.samples(), exact, "{what}");
        let decoded = decode(&save(dir.path(), "p.mp3", &bytes), &[]);
        assert_eq!(decoded.len() as u64, exact, "{what}");
        assert_eq!(best_lag(&all, &decoded, 1_000), 0, "{what}");
    }
}

#[test]
fn a_paragraph_that_is_not_whole_frames_or_empty_is_refused() {
    let format = Format::new(44_100, 64).expect("format");
    let mut encoder = segment::Encoder::new(Vec::new(), format).expect("encoder");
    encoder.push(&[0.0; 1_153]).expect("push");
    let err = encoder.finish().expect_err("not whole frames");
    assert!(
        matches!(
            err,
            Error::NotWholeFrames {
                samples: 1_153,
                frame_len: 1152
            }
        ),
        "{err}"
    );
    let empty = segment::Encoder::new(Vec::new(), format).expect("encoder");
    assert!(matches!(empty.finish(), Err(Error::Empty)));
    assert!(matches!(
        episode::write(&mut Vec::new(), &Tags::default(), &[], |_| Ok(Cursor::new(
            Vec::<u8>::new()
        ))),
        Err(Error::Empty)
    ));
}
