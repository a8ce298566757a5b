//! The episode as one 16-bit mono WAV file, streamed: a plain RIFF WAVE file while it fits,
//! RF64 (EBU Tech 3306) when it does not.
//!
//! A RIFF file counts its size in 32 bits, so its audio ends a little before 4 GiB (about
//! 13.5 hours at 44.1 kHz); a long book passes that. hound writes RIFF only, so this writer
//! does what EBU Tech 3306 recommends: it reserves a `JUNK` chunk the size of a `ds64`
//! chunk in front of `fmt `, and when the data turns out too long for RIFF it turns the file
//! into RF64 at the end (`RF64` instead of `RIFF`, the `ds64` chunk with the 64-bit sizes
//! in place of the `JUNK` chunk, and the 32-bit sizes set to all ones). A file that fits
//! stays a RIFF file that every reader takes (readers skip `JUNK`).

use std::io::{self, Seek, SeekFrom, Write};

use super::to_i16;

/// Bytes before the samples: RIFF header (12), JUNK or ds64 chunk (8 + 28), fmt chunk
/// (8 + 16), data chunk header (8).
const HEADER: u64 = 12 + 36 + 24 + 8;
/// Payload of a ds64 chunk with no table: RIFF size, data size, sample count (64 bits
/// each) and the table's length (32 bits).
const DS64: u32 = 28;
/// A 32-bit size field says "see ds64" with all ones.
const SEE_DS64: u32 = u32::MAX;
/// The most data bytes a RIFF file holds: its size field counts everything after it.
const RIFF_MAX_DATA: u64 = u32::MAX as u64 - (HEADER - 8);

/// Which container the file ended up in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Container {
    Riff,
    Rf64,
}

/// A streaming 16-bit mono WAV writer; see the module docs.
#[derive(Debug)]
pub struct Writer<W: Write + Seek> {
    out: W,
    data_bytes: u64,
    riff_max_data: u64,
    buffer: Vec<u8>,
}

impl<W: Write + Seek> Writer<W> {
    /// Writes the header for audio at `rate` Hz; sizes are filled in by [`Writer::finish`].
    pub fn new(out: W, rate: u32) -> io::Result<Self> {
        Self::with_riff_limit(out, rate, RIFF_MAX_DATA)
    }

    /// [`Writer::new`] with the most data bytes a RIFF file may hold lowered to
    /// `riff_max_data`, so that tests can see the switch to RF64 on a small file.
    pub fn with_riff_limit(mut out: W, rate: u32, riff_max_data: u64) -> io::Result<Self> {
        let mut header = Vec::with_capacity(HEADER as usize);
        header.extend_from_slice(b"RIFF");
        header.extend_from_slice(&0u32.to_le_bytes());
        header.extend_from_slice(b"WAVE");
        header.extend_from_slice(b"JUNK");
        header.extend_from_slice(&DS64.to_le_bytes());
        header.extend_from_slice(&[0; DS64 as usize]);
        header.extend_from_slice(b"fmt ");
        header.extend_from_slice(&16u32.to_le_bytes());
        header.extend_from_slice(&1u16.to_le_bytes()); // PCM
        header.extend_from_slice(&1u16.to_le_bytes()); // mono
        header.extend_from_slice(&rate.to_le_bytes());
        header.extend_from_slice(&(rate * 2).to_le_bytes()); // bytes per second
        header.extend_from_slice(&2u16.to_le_bytes()); // bytes per frame
        header.extend_from_slice(&16u16.to_le_bytes()); // bits per sample
        header.extend_from_slice(b"data");
        header.extend_from_slice(&0u32.to_le_bytes());
        debug_assert_eq!(header.len() as u64, HEADER);
        out.write_all(&header)?;
        Ok(Writer {
            out,
            data_bytes: 0,
            riff_max_data: riff_max_data.min(RIFF_MAX_DATA),
            buffer: Vec::new(),
        })
    }

    /// Appends samples, rounded to 16 bits.
    pub fn push(&mut self, samples: &[f32]) -> io::Result<()> {
        self.buffer.clear();
        self.buffer
            .extend(samples.iter().flat_map(|&s| to_i16(s).to_le_bytes()));
        self.out.write_all(&self.buffer)?;
        self.data_bytes += self.buffer.len() as u64;
        Ok(())
    }

    /// Samples written so far.
    pub fn frames(&self) -> u64 {
        self.data_bytes / 2
    }

    /// Fills in the sizes (switching to RF64 if the data is too long for RIFF), and gives
    /// the output back, positioned at its end.
    pub fn finish(mut self) -> io::Result<(W, Container)> {
        let riff_size = HEADER - 8 + self.data_bytes;
        let container = if self.data_bytes <= self.riff_max_data {
            self.patch(0, b"RIFF")?;
            self.patch(4, &(riff_size as u32).to_le_bytes())?;
            self.patch(76, &(self.data_bytes as u32).to_le_bytes())?;
            Container::Riff
        } else {
            let mut ds64 = Vec::with_capacity(8 + DS64 as usize);
            ds64.extend_from_slice(b"ds64");
            ds64.extend_from_slice(&DS64.to_le_bytes());
            ds64.extend_from_slice(&riff_size.to_le_bytes());
            ds64.extend_from_slice(&self.data_bytes.to_le_bytes());
            ds64.extend_from_slice(&self.frames().to_le_bytes());
            ds64.extend_from_slice(&0u32.to_le_bytes()); // no table
            self.patch(0, b"RF64")?;
            self.patch(4, &SEE_DS64.to_le_bytes())?;
            self.patch(12, &ds64)?;
            self.patch(76, &SEE_DS64.to_le_bytes())?;
            Container::Rf64
        };
        self.out.seek(SeekFrom::End(0))?;
        self.out.flush()?;
        Ok((self.out, container))
    }

    fn patch(&mut self, at: u64, bytes: &[u8]) -> io::Result<()> {
        self.out.seek(SeekFrom::Start(at))?;
        self.out.write_all(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;
    use std::process::Command;

    fn ramp(n: usize) -> Vec<f32> {
        (0..n).map(|i| (i as f32 / n as f32) - 0.5).collect()
    }

    fn write(samples: &[f32], limit: u64) -> (Vec<u8>, Container) {
        let mut writer =
            Writer::with_riff_limit(Cursor::new(Vec::new()), 22_050, limit).expect("header");
        for chunk in samples.chunks(100) {
            writer.push(chunk).expect("push");
        }
        let (out, container) = writer.finish().expect("finish");
        (out.into_inner(), container)
    }

    fn u32_at(bytes: &[u8], at: usize) -> u32 {
        u32::from_le_bytes(bytes[at..at + 4].try_into().expect("four bytes"))
    }

    fn u64_at(bytes: &[u8], at: usize) -> u64 {
        u64::from_le_bytes(bytes[at..at + 8].try_into().expect("eight bytes"))
    }

    #[test]
    fn a_file_that_fits_is_plain_riff_that_hound_reads() {
        let samples = ramp(1_000);
        let (file, container) = write(&samples, 2_000);
        assert_eq!(container, Container::Riff);
        assert_eq!(&file[..4], b"RIFF");
        assert_eq!(&file[12..16], b"JUNK");
        assert_eq!(u32_at(&file, 4) as usize, file.len() - 8);
        assert_eq!(u32_at(&file, 76), 2_000);
        let mut reader = hound::WavReader::new(Cursor::new(&file)).expect("hound reads it");
        assert_eq!(reader.spec().sample_rate, 22_050);
        let read: Vec<i16> = reader
            .samples::<i16>()
            .map(|s| s.expect("a sample"))
            .collect();
        let want: Vec<i16> = samples.iter().map(|&s| to_i16(s)).collect();
        assert_eq!(read, want);
    }

    #[test]
    fn past_the_riff_limit_the_file_becomes_rf64_with_a_ds64_chunk() {
        let samples = ramp(1_001);
        let (file, container) = write(&samples, 2_000);
        assert_eq!(container, Container::Rf64);
        assert_eq!(&file[..4], b"RF64");
        assert_eq!(u32_at(&file, 4), u32::MAX);
        assert_eq!(&file[12..16], b"ds64");
        assert_eq!(u32_at(&file, 16), 28);
        assert_eq!(u64_at(&file, 20) as usize, file.len() - 8);
        assert_eq!(u64_at(&file, 28), 2_002);
        assert_eq!(u64_at(&file, 36), 1_001);
        assert_eq!(&file[72..76], b"data");
        assert_eq!(u32_at(&file, 76), u32::MAX);
        assert_eq!(file.len() as u64, HEADER + 2_002);
    }

    #[test]
    fn the_default_limit_is_what_a_32_bit_riff_size_can_count() {
        assert_eq!(RIFF_MAX_DATA + HEADER - 8, u64::from(u32::MAX));
        let writer = Writer::new(Cursor::new(Vec::new()), 44_100).expect("header");
        assert_eq!(writer.riff_max_data, RIFF_MAX_DATA);
    }

    #[test]
    fn ffprobe_reads_an_rf64_file_to_the_sample() {
        let samples = ramp(22_050 + 7);
        let (file, container) = write(&samples, 1_000);
        assert_eq!(container, Container::Rf64);
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("episode.wav");
        std::fs::write(&path, &file).expect("write");
        let Ok(output) = Command::new("ffprobe")
            .args([
                "-v",
                "error",
                "-show_streams",
                "-show_format",
                "-of",
                "json",
            ])
            .arg(&path)
            .output()
        else {
            eprintln!("note: ffprobe is not installed; skipping");
            return;
        };
        assert!(output.status.success(), "ffprobe refused the RF64 file");
        let probe: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
        let stream = &probe["streams"][0];
        assert_eq!(stream["codec_name"], "pcm_s16le");
        assert_eq!(stream["sample_rate"], "22050");
        assert_eq!(stream["duration_ts"], 22_050 + 7);
        let decoded = Command::new("ffmpeg")
            .args(["-v", "error", "-i"])
            .arg(&path)
            .args(["-f", "s16le", "-"])
            .output()
            .expect("ffmpeg runs");
        let read: Vec<i16> = decoded
            .stdout
            .chunks_exact(2)
            .map(|b| i16::from_le_bytes([b[0], b[1]]))
            .collect();
        let want: Vec<i16> = samples.iter().map(|&s| to_i16(s)).collect();
        assert_eq!(read, want);
    }
}
