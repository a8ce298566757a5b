//! What a cover image is, read from its header: JPEG or PNG, and its size in pixels.
//!
//! Podcast directories and ID3 readers take JPEG and PNG covers, square. The size is in the
//! first bytes (PNG's IHDR chunk, a JPEG's start-of-frame segment), so a few lines read it
//! without decoding the image or adding a crate.

use super::book::ImageKind;

/// What the header of an image says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    pub kind: ImageKind,
    pub width: u32,
    pub height: u32,
}

/// Why bytes are not a cover narrate can use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotACover {
    /// Another format (named when it is a common one) or no image at all.
    #[error("is not a JPEG or PNG image{}", .0.map(|f| format!(" (it is a {f})")).unwrap_or_default())]
    Format(Option<&'static str>),
    /// A JPEG or PNG whose header ends too soon or says nothing of its size.
    #[error("is a damaged {0} image (no size in its header)")]
    Damaged(&'static str),
    #[error("is {width}x{height} pixels: a cover must be square")]
    NotSquare { width: u32, height: u32 },
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";

/// The kind and size of the JPEG or PNG image `bytes`.
pub fn header(bytes: &[u8]) -> Result<Header, NotACover> {
    if bytes.starts_with(PNG) {
        return png(bytes).ok_or(NotACover::Damaged("PNG"));
    }
    if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        return jpeg(bytes).ok_or(NotACover::Damaged("JPEG"));
    }
    let other = [
        (&b"GIF8"[..], "GIF"),
        (b"BM", "BMP"),
        (b"II*\0", "TIFF"),
        (b"MM\0*", "TIFF"),
        (b"<svg", "SVG"),
        (b"<?xml", "SVG or other XML"),
    ];
    let riff_webp = bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP";
    let named = other
        .iter()
        .find(|(magic, _)| bytes.starts_with(magic))
        .map(|(_, name)| *name)
        .or(riff_webp.then_some("WebP"));
    Err(NotACover::Format(named))
}

/// A JPEG or PNG image that is square.
pub fn square(bytes: &[u8]) -> Result<Header, NotACover> {
    let header = header(bytes)?;
    if header.width != header.height {
        return Err(NotACover::NotSquare {
            width: header.width,
            height: header.height,
        });
    }
    Ok(header)
}

fn be32(b: &[u8]) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(..4)?.try_into().ok()?))
}

fn be16(b: &[u8]) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(..2)?.try_into().ok()?))
}

/// The IHDR chunk, which the PNG specification puts first.
fn png(bytes: &[u8]) -> Option<Header> {
    let chunk = bytes.get(PNG.len()..)?;
    if chunk.get(4..8)? != b"IHDR" {
        return None;
    }
    let (width, height) = (be32(chunk.get(8..)?)?, be32(chunk.get(12..)?)?);
    (width > 0 && height > 0).then_some(Header {
        kind: ImageKind::Png,
        width,
        height,
    })
}

/// The first start-of-frame segment (SOF0-SOF15 but for DHT, JPG and DAC, which share
/// their range), reached by skipping the segments before it by their lengths.
fn jpeg(bytes: &[u8]) -> Option<Header> {
    let mut at = 2;
    loop {
        // Markers may be padded with 0xff fill bytes.
        while *bytes.get(at)? == 0xff && *bytes.get(at + 1)? == 0xff {
            at += 1;
        }
        if *bytes.get(at)? != 0xff {
            return None;
        }
        let marker = *bytes.get(at + 1)?;
        at += 2;
        // Markers without a segment: TEM, RST0-7 (SOI and EOI cannot come here).
        if marker == 0x01 || (0xd0..=0xd7).contains(&marker) {
            continue;
        }
        if marker == 0xd9 || marker == 0xda {
            return None; // the end, or the scan, before any frame header
        }
        let len = usize::from(be16(bytes.get(at..)?)?);
        if (0xc0..=0xcf).contains(&marker) && ![0xc4, 0xc8, 0xcc].contains(&marker) {
            let segment = bytes.get(at..at + len)?;
            let (height, width) = (be16(segment.get(3..)?)?, be16(segment.get(5..)?)?);
            return (width > 0 && height > 0).then_some(Header {
                kind: ImageKind::Jpeg,
                width: width.into(),
                height: height.into(),
            });
        }
        at += len;
    }
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// A PNG header of `width` x `height` (the chunks after IHDR are not read).
    pub fn png_of(width: u32, height: u32) -> Vec<u8> {
        let mut b = PNG.to_vec();
        b.extend(13u32.to_be_bytes());
        b.extend(b"IHDR");
        b.extend(width.to_be_bytes());
        b.extend(height.to_be_bytes());
        b.extend([8, 2, 0, 0, 0, 0, 0, 0, 0]);
        b
    }

    /// A JPEG start with an APP0 segment, then a SOF2 (progressive) of `width` x `height`.
    pub fn jpeg_of(width: u16, height: u16) -> Vec<u8> {
        let mut b = vec![0xff, 0xd8, 0xff, 0xe0, 0, 16];
        b.extend(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
        b.extend([0xff, 0xff, 0xc2, 0, 11, 8]);
        b.extend(height.to_be_bytes());
        b.extend(width.to_be_bytes());
        b.extend([1, 1, 0x11, 0]);
        b.extend([0xff, 0xd9]);
        b
    }

    #[test]
    fn png_and_jpeg_sizes_are_read_from_their_headers() {
        let png = header(&png_of(1400, 1400)).expect("a PNG");
        assert_eq!(
            (png.kind, png.width, png.height),
            (ImageKind::Png, 1400, 1400)
        );
        let jpeg = header(&jpeg_of(3000, 2000)).expect("a JPEG");
        assert_eq!(
            (jpeg.kind, jpeg.width, jpeg.height),
            (ImageKind::Jpeg, 3000, 2000)
        );
    }

    #[test]
    fn a_cover_must_be_square() {
        assert!(square(&png_of(600, 600)).is_ok());
        let e = square(&jpeg_of(300, 200)).expect_err("not square");
        assert_eq!(e.to_string(), "is 300x200 pixels: a cover must be square");
    }

    #[test]
    fn other_formats_and_damaged_headers_are_named() {
        let gif = header(b"GIF89a\x01\0\x01\0").expect_err("a GIF");
        assert_eq!(gif.to_string(), "is not a JPEG or PNG image (it is a GIF)");
        let text = header(b"hello").expect_err("text");
        assert_eq!(text.to_string(), "is not a JPEG or PNG image");
        let cut = &png_of(10, 10)[..14];
        assert_eq!(header(cut), Err(NotACover::Damaged("PNG")));
        let no_frame = [0xff, 0xd8, 0xff, 0xda, 0, 2];
        assert_eq!(header(&no_frame), Err(NotACover::Damaged("JPEG")));
    }
}
