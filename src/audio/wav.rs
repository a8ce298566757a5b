//! WAV files, written atomically: a temporary file in the same folder, finalized by hound,
//! synced, then renamed over the target. A crash leaves either the old file or the new one,
//! never a truncated one.

use std::io::{BufWriter, Read};
use std::path::Path;

use super::{to_f32, to_i16, Pcm};

fn spec(rate: u32) -> hound::WavSpec {
    hound::WavSpec {
        channels: 1,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    }
}

fn io(e: hound::Error) -> std::io::Error {
    match e {
        hound::Error::IoError(e) => e,
        other => std::io::Error::new(std::io::ErrorKind::InvalidData, other),
    }
}

/// Writes 16-bit samples to `path` atomically; the temporary file lives in `tmp_dir`, which
/// must be on the same filesystem.
pub fn write_i16(path: &Path, tmp_dir: &Path, samples: &[i16], rate: u32) -> std::io::Result<()> {
    crate::staged::write_with(path, tmp_dir, |file| {
        let mut writer = hound::WavWriter::new(BufWriter::new(file), spec(rate)).map_err(io)?;
        let mut w16 = writer.get_i16_writer(samples.len() as u32);
        for &s in samples {
            w16.write_sample(s);
        }
        w16.flush().map_err(io)?;
        writer.finalize().map_err(io)
    })
}

/// Writes a float buffer as a 16-bit PCM WAV into `file` (from its start), finalized but
/// not synced: for a staged file that its owner syncs and renames.
pub fn write_to(file: &std::fs::File, pcm: &Pcm) -> std::io::Result<()> {
    let mut writer = hound::WavWriter::new(BufWriter::new(file), spec(pcm.rate)).map_err(io)?;
    let mut w16 = writer.get_i16_writer(pcm.samples.len() as u32);
    for &s in &pcm.samples {
        w16.write_sample(to_i16(s));
    }
    w16.flush().map_err(io)?;
    writer.finalize().map_err(io)
}

/// Writes a float buffer as 16-bit PCM, atomically.
pub fn write(path: &Path, tmp_dir: &Path, pcm: &Pcm) -> std::io::Result<()> {
    let samples: Vec<i16> = pcm.samples.iter().map(|&s| to_i16(s)).collect();
    write_i16(path, tmp_dir, &samples, pcm.rate)
}

/// Reads a mono 16-bit WAV file.
pub fn read_i16(path: &Path) -> std::io::Result<(Vec<i16>, u32)> {
    let reader = hound::WavReader::open(path).map_err(io)?;
    let spec = reader.spec();
    if spec.channels != 1
        || spec.bits_per_sample != 16
        || spec.sample_format != hound::SampleFormat::Int
    {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("{}: not mono 16-bit PCM", path.display()),
        ));
    }
    // hound has read the header and stands at the first sample: take the data in one read
    // (sample by sample through hound costs more than the rest of a rebuild's reading).
    let mut bytes = vec![0u8; reader.len() as usize * 2];
    reader.into_inner().read_exact(&mut bytes)?;
    let samples = bytes
        .chunks_exact(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]))
        .collect();
    Ok((samples, spec.sample_rate))
}

/// Reads a mono 16-bit WAV file as floats.
pub fn read(path: &Path) -> std::io::Result<Pcm> {
    let (samples, rate) = read_i16(path)?;
    Ok(Pcm {
        samples: samples.into_iter().map(to_f32).collect(),
        rate,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_then_read_round_trips_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a.wav");
        write_i16(&path, dir.path(), &[0, 1, -1, 32767, -32768], 22050).expect("write");
        let (samples, rate) = read_i16(&path).expect("read");
        assert_eq!(samples, vec![0, 1, -1, 32767, -32768]);
        assert_eq!(rate, 22050);
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("ls")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("a.wav")]);
    }

    #[test]
    fn other_chunks_are_skipped_and_a_truncated_file_is_an_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("b.wav");
        // fmt, then a LIST chunk as other tools write it, then two samples.
        let mut bytes = b"RIFF\0\0\0\0WAVEfmt ".to_vec();
        bytes.extend(16u32.to_le_bytes());
        bytes.extend(1u16.to_le_bytes()); // PCM
        bytes.extend(1u16.to_le_bytes()); // mono
        bytes.extend(22050u32.to_le_bytes());
        bytes.extend((22050u32 * 2).to_le_bytes());
        bytes.extend(2u16.to_le_bytes());
        bytes.extend(16u16.to_le_bytes());
        bytes.extend(b"LIST");
        bytes.extend(4u32.to_le_bytes());
        bytes.extend(b"INFO");
        bytes.extend(b"data");
        bytes.extend(4u32.to_le_bytes());
        bytes.extend(1234i16.to_le_bytes());
        bytes.extend((-5i16).to_le_bytes());
        let riff = (bytes.len() - 8) as u32;
        bytes[4..8].copy_from_slice(&riff.to_le_bytes());
        std::fs::write(&path, &bytes).expect("write");
        assert_eq!(read_i16(&path).expect("read"), (vec![1234, -5], 22050));
        std::fs::write(&path, &bytes[..bytes.len() - 1]).expect("write");
        assert!(read_i16(&path).is_err(), "a sample is missing");
    }
}
