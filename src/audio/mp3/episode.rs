//! `episode.mp3` made of segments: the ID3v2 tag, one Info frame, then every segment's
//! frames in order, copied.
//!
//! The Info frame (the Xing header's CBR name) says how many audio frames and bytes follow
//! and carries a 100-entry seek table, so that players and ffprobe know the exact duration
//! without reading the file. It has no LAME extension: the extension's delay field cannot
//! say "no delay" to ffmpeg, which adds the decoder's 529 samples to whatever it reads and
//! would cut the program's first 529 samples. Without it, nothing is trimmed, which is
//! right, because the first frame starts at the first program sample (see [`super::segment`]).

use std::io::{Read, Write};
use std::path::Path;

use super::frame::{frame_bytes, Header, Splitter, HEADER};
use super::segment::{check_rate, Segment};
use super::tag::padded_tag;
use super::{Error, Format, Mpeg, Tags};

/// Entries in the Info frame's seek table.
const TOC_ENTRIES: usize = 100;
/// Info frame flags: frame count, byte count and seek table present.
const FLAGS: u32 = 0x1 | 0x2 | 0x4;
/// Bytes after the side information: "Info", flags, frames, bytes, table.
const INFO_BODY: usize = 4 + 4 + 4 + 4 + TOC_ENTRIES;

/// What was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Written {
    /// Bytes of the ID3v2 tag at the start of the file.
    pub tag_bytes: u64,
    /// Bytes of the Info frame and the audio frames after the tag.
    pub audio_bytes: u64,
    /// Audio frames (the Info frame not counted).
    pub frames: u64,
    /// Samples the audio decodes to: the sum of the segments'.
    pub samples: u64,
}

/// Writes the episode to `out`: the tag for `tags` (padded, see [`super::padded_tag`]),
/// the Info frame for `segments`, then each segment's bytes, read from `open(index)`
/// in order. Each reader must give exactly its segment's frames, which are checked
/// while they are copied; memory stays a buffer whatever the length.
pub fn write<W: Write, R: Read>(
    out: &mut W,
    tags: &Tags,
    segments: &[Segment],
    mut open: impl FnMut(usize) -> std::io::Result<R>,
) -> Result<Written, Error> {
    let format = common_format(segments)?;
    let tag = padded_tag(tags)?;
    let info = info_frame(format, segments)?;
    out.write_all(&tag).map_err(Error::Io)?;
    out.write_all(&info).map_err(Error::Io)?;
    let mut buffer = vec![0u8; 1 << 16];
    for (index, segment) in segments.iter().enumerate() {
        let reader = open(index).map_err(|source| Error::SegmentIo { index, source })?;
        copy(reader, out, segment, &mut buffer).map_err(|e| match e {
            Copy::Read(source) => Error::SegmentIo { index, source },
            Copy::Write(e) => Error::Io(e),
            Copy::Segment(e) => Error::Segment {
                index,
                problem: e.to_string(),
            },
        })?;
    }
    let written = Written {
        tag_bytes: tag.len() as u64,
        audio_bytes: info.len() as u64 + segments.iter().map(|s| s.bytes).sum::<u64>(),
        frames: segments.iter().map(|s| s.frames).sum(),
        samples: segments.iter().map(Segment::samples).sum(),
    };
    Ok(written)
}

/// [`write`] with each segment read from a file; an error names the file.
pub fn write_files<W: Write, P: AsRef<Path>>(
    out: &mut W,
    tags: &Tags,
    segments: &[(Segment, P)],
) -> Result<Written, Error> {
    let list: Vec<Segment> = segments.iter().map(|(s, _)| *s).collect();
    let path = |index: usize| segments[index].1.as_ref().to_path_buf();
    write(out, tags, &list, |index| std::fs::File::open(path(index))).map_err(|e| match e {
        Error::SegmentIo { index, .. } | Error::Segment { index, .. } => Error::SegmentFile {
            path: path(index),
            source: Box::new(e),
        },
        other => other,
    })
}

/// The format all `segments` share.
fn common_format(segments: &[Segment]) -> Result<Format, Error> {
    let first = segments.first().ok_or(Error::Empty)?.format;
    match segments.iter().position(|s| s.format != first) {
        Some(index) => Err(Error::Segment {
            index,
            problem: format!(
                "{} Hz {} kbps, the first segment is {} Hz {} kbps",
                segments[index].format.sample_rate(),
                segments[index].format.kbps(),
                first.sample_rate(),
                first.kbps()
            ),
        }),
        None => Ok(first),
    }
}

/// Why a segment could not be copied: reading it, writing the episode, or what it holds.
enum Copy {
    Read(std::io::Error),
    Write(std::io::Error),
    Segment(Error),
}

/// Copies one segment from `reader` to `out`, checking that it is exactly `segment`: whole
/// frames of its format and bit rate, as many as it says, and nothing after them.
fn copy<R: Read, W: Write>(
    mut reader: R,
    out: &mut W,
    segment: &Segment,
    buffer: &mut [u8],
) -> Result<(), Copy> {
    let mut splitter = Splitter::new(segment.format);
    let (mut frames, mut bytes, mut offset) = (0u64, 0u64, 0u64);
    loop {
        let n = match reader.read(buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Copy::Read(e)),
        };
        splitter
            .push(&buffer[..n], |frame| {
                check_rate(frame, segment.format, offset)?;
                frames += 1;
                offset += frame.len() as u64;
                Ok(())
            })
            .map_err(Copy::Segment)?;
        bytes += n as u64;
        if bytes > segment.bytes {
            return Err(Copy::Segment(Error::Stream {
                offset: segment.bytes,
                problem: "more bytes than the segment has",
            }));
        }
        out.write_all(&buffer[..n]).map_err(Copy::Write)?;
    }
    if bytes != segment.bytes || frames != segment.frames || splitter.leftover() > 0 {
        return Err(Copy::Segment(Error::Stream {
            offset: bytes,
            problem: "fewer bytes or frames than the segment has",
        }));
    }
    Ok(())
}

/// The Info frame for `segments` of `format`: a frame of the stream's own bit rate when the
/// header fits in one, else of the least bit rate that holds it (a frame at 32 or 40 kbps
/// and 44.1 kHz is too short). Its side information is zero: a decoder that plays it
/// instead of reading it plays one frame of silence.
fn info_frame(format: Format, segments: &[Segment]) -> Result<Vec<u8>, Error> {
    let mpeg = format.mpeg();
    let needed = HEADER + mpeg.mono_side_info() + INFO_BODY;
    let kbps = mpeg
        .bitrates()
        .iter()
        .copied()
        .filter(|&k| k >= format.kbps())
        .find(|&k| frame_bytes(mpeg, k, format.sample_rate()) >= needed)
        .expect("a 160 kbps frame holds an Info header at every rate");
    let header = header(format, kbps);
    let len = header.frame_bytes();
    let frames: u64 = segments.iter().map(|s| s.frames).sum();
    let bytes = len as u64 + segments.iter().map(|s| s.bytes).sum::<u64>();
    let too_long = |what: &str| Error::Segment {
        index: segments.len().saturating_sub(1),
        problem: format!("the episode has more {what} than an Info frame can count"),
    };
    let frames32 = u32::try_from(frames).map_err(|_| too_long("frames"))?;
    let bytes32 = u32::try_from(bytes).map_err(|_| too_long("bytes"))?;
    let mut frame = vec![0u8; len];
    frame[..HEADER].copy_from_slice(&header.bytes);
    let mut body = Vec::with_capacity(INFO_BODY);
    body.extend_from_slice(b"Info");
    body.extend_from_slice(&FLAGS.to_be_bytes());
    body.extend_from_slice(&frames32.to_be_bytes());
    body.extend_from_slice(&bytes32.to_be_bytes());
    body.extend(seek_table(len as u64, bytes, segments));
    let at = HEADER + mpeg.mono_side_info();
    frame[at..at + INFO_BODY].copy_from_slice(&body);
    Ok(frame)
}

/// A mono Layer III header of `format`'s version and rate at `kbps`, no CRC, no padding
/// slot, "original" set as LAME sets it.
fn header(format: Format, kbps: u32) -> Header {
    let version = match format.mpeg() {
        Mpeg::V1 => 0xFB,
        Mpeg::V2 => 0xF3,
    };
    let rate_index = match format.sample_rate() {
        44_100 | 22_050 => 0,
        48_000 | 24_000 => 1,
        _ => 2,
    };
    let any = Header::parse([0xFF, version, 0x10 | (rate_index << 2), 0xC4])
        .expect("a valid header by construction");
    any.with_kbps(kbps).expect("a bit rate of the version")
}

/// Entry `i` is the byte offset (from the Info frame's start, `bytes` in all) at which
/// `i` % of the duration starts, in 256ths of `bytes`. Offsets inside a segment are
/// interpolated from its frame and byte counts: its frames differ by at most the padding
/// byte, far below a table step.
fn seek_table(info_len: u64, bytes: u64, segments: &[Segment]) -> [u8; TOC_ENTRIES] {
    let frames: u64 = segments.iter().map(|s| s.frames).sum();
    let mut table = [0u8; TOC_ENTRIES];
    let (mut first, mut start, mut segment) = (0u64, info_len, 0usize);
    for (i, entry) in table.iter_mut().enumerate() {
        let target = i as u64 * frames / TOC_ENTRIES as u64;
        while segment + 1 < segments.len() && first + segments[segment].frames <= target {
            first += segments[segment].frames;
            start += segments[segment].bytes;
            segment += 1;
        }
        let s = &segments[segment];
        let offset = start + (target - first) * s.bytes / s.frames.max(1);
        *entry = (offset * 256 / bytes).min(255) as u8;
    }
    table
}
