//! MPEG audio frame headers, and a byte stream cut into whole frames.
//!
//! LAME hands back encoded bytes in chunks that do not follow frame boundaries; a segment
//! keeps some of its frames and drops others, and an Info frame copies its neighbours'
//! header, so each needs to know where one frame ends. Only what this project writes is
//! read: Layer III, MPEG-1 or MPEG-2, a bit rate from the table (no free format).

use super::{Error, Format, Mpeg};

/// Header bytes.
pub(super) const HEADER: usize = 4;

/// One frame header, as far as its length and format go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Header {
    pub bytes: [u8; HEADER],
    pub mpeg: Mpeg,
    pub sample_rate: u32,
    pub kbps: u32,
    pub padding: bool,
}

impl Header {
    /// Reads a header, or says why these bytes are not one.
    pub fn parse(bytes: [u8; HEADER]) -> Result<Header, &'static str> {
        if bytes[0] != 0xFF || bytes[1] & 0xE0 != 0xE0 {
            return Err("no frame sync");
        }
        let mpeg = match (bytes[1] >> 3) & 3 {
            3 => Mpeg::V1,
            2 => Mpeg::V2,
            _ => return Err("not MPEG-1 or MPEG-2"),
        };
        if (bytes[1] >> 1) & 3 != 1 {
            return Err("not Layer III");
        }
        let rate_index = usize::from((bytes[2] >> 2) & 3);
        let rates: [u32; 3] = match mpeg {
            Mpeg::V1 => [44_100, 48_000, 32_000],
            Mpeg::V2 => [22_050, 24_000, 16_000],
        };
        let sample_rate = *rates.get(rate_index).ok_or("reserved sample rate")?;
        let bitrate_index = usize::from(bytes[2] >> 4);
        if bitrate_index == 0 || bitrate_index == 15 {
            return Err("free-format or reserved bit rate");
        }
        Ok(Header {
            bytes,
            mpeg,
            sample_rate,
            kbps: mpeg.bitrates()[bitrate_index - 1],
            padding: bytes[2] & 0x02 != 0,
        })
    }

    /// The whole frame's length in bytes, header included.
    pub fn frame_bytes(&self) -> usize {
        frame_bytes(self.mpeg, self.kbps, self.sample_rate) + usize::from(self.padding)
    }

    /// This header with another bit rate of the same version and no padding slot.
    pub fn with_kbps(&self, kbps: u32) -> Option<Header> {
        let index = self.mpeg.bitrates().iter().position(|&k| k == kbps)? + 1;
        let mut bytes = self.bytes;
        bytes[2] = (bytes[2] & 0x0C) | ((index as u8) << 4);
        Header::parse(bytes).ok()
    }
}

/// Bytes in a frame of `kbps` at `sample_rate`, without the padding slot.
pub(super) fn frame_bytes(mpeg: Mpeg, kbps: u32, sample_rate: u32) -> usize {
    (mpeg.bytes_factor() * kbps * 1000 / sample_rate) as usize
}

/// Cuts a byte stream into whole frames of one format, handing each to a callback.
/// Holds at most one unfinished frame between calls.
#[derive(Debug)]
pub(super) struct Splitter {
    format: Format,
    pending: Vec<u8>,
    /// Bytes of the stream before `pending`: where an error is.
    offset: u64,
}

impl Splitter {
    pub fn new(format: Format) -> Splitter {
        Splitter {
            format,
            pending: Vec::new(),
            offset: 0,
        }
    }

    /// Appends `bytes` and calls `frame` for every frame now complete, in order.
    pub fn push(
        &mut self,
        bytes: &[u8],
        mut frame: impl FnMut(&[u8]) -> Result<(), Error>,
    ) -> Result<(), Error> {
        self.pending.extend_from_slice(bytes);
        let mut start = 0;
        while let Some(head) = self.pending.get(start..start + HEADER) {
            let head: [u8; HEADER] = head.try_into().expect("a slice of HEADER bytes");
            let offset = self.offset + start as u64;
            let header =
                Header::parse(head).map_err(|problem| Error::Stream { offset, problem })?;
            if header.mpeg != self.format.mpeg() || header.sample_rate != self.format.sample_rate()
            {
                return Err(Error::Stream {
                    offset,
                    problem: "another sample rate",
                });
            }
            let end = start + header.frame_bytes();
            let Some(whole) = self.pending.get(start..end) else {
                break;
            };
            frame(whole)?;
            start = end;
        }
        self.pending.drain(..start);
        self.offset += start as u64;
        Ok(())
    }

    /// Bytes left over that do not make a whole frame (zero at the end of a clean stream).
    pub fn leftover(&self) -> usize {
        self.pending.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A LAME-style mono header: MPEG-1, Layer III, no CRC, 64 kbps (index 5), 44.1 kHz.
    const MPEG1_64K: [u8; 4] = [0xFF, 0xFB, 0x50, 0xC4];

    #[test]
    fn frame_lengths_follow_the_layer_iii_formula() {
        let header = Header::parse(MPEG1_64K).expect("a header");
        assert_eq!((header.kbps, header.sample_rate), (64, 44_100));
        assert_eq!(header.frame_bytes(), 208);
        let padded = Header::parse([0xFF, 0xFB, 0x52, 0xC4]).expect("a header");
        assert_eq!(padded.frame_bytes(), 209);
        // MPEG-2, 22.05 kHz, 64 kbps (index 8): 72 * 64000 / 22050 = 208.98.
        let mpeg2 = Header::parse([0xFF, 0xF3, 0x80, 0xC4]).expect("a header");
        assert_eq!((mpeg2.kbps, mpeg2.sample_rate), (64, 22_050));
        assert_eq!(mpeg2.frame_bytes(), 208);
        let faster = header.with_kbps(128).expect("a rate of MPEG-1");
        assert_eq!((faster.kbps, faster.frame_bytes()), (128, 417));
        assert_eq!(faster.bytes[3], MPEG1_64K[3]);
    }

    #[test]
    fn what_is_not_a_layer_iii_frame_is_refused() {
        assert!(Header::parse([0, 0, 0, 0]).is_err());
        // Layer II.
        assert!(Header::parse([0xFF, 0xFD, 0x50, 0xC4]).is_err());
        // Free format.
        assert!(Header::parse([0xFF, 0xFB, 0x00, 0xC4]).is_err());
        // MPEG-2.5.
        assert!(Header::parse([0xFF, 0xE3, 0x50, 0xC4]).is_err());
    }

    #[test]
    fn frames_split_the_same_whatever_the_chunks() {
        let format = Format::new(44_100, 64).expect("format");
        let mut stream = Vec::new();
        for i in 0..5u8 {
            let mut frame = vec![i; 208];
            frame[..4].copy_from_slice(&MPEG1_64K);
            stream.extend(frame);
        }
        for chunk in [1, 3, 207, 208, 209, 1000] {
            let mut splitter = Splitter::new(format);
            let mut frames = Vec::new();
            for piece in stream.chunks(chunk) {
                splitter
                    .push(piece, |f| {
                        frames.push(f.to_vec());
                        Ok(())
                    })
                    .expect("frames");
            }
            assert_eq!(frames.len(), 5, "chunks of {chunk}");
            assert_eq!(frames.concat(), stream);
            assert_eq!(splitter.leftover(), 0);
        }
        let mut splitter = Splitter::new(format);
        let err = splitter
            .push(&stream[1..], |_| Ok(()))
            .expect_err("no sync");
        assert!(matches!(err, Error::Stream { offset: 0, .. }), "{err}");
    }
}
