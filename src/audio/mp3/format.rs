//! Which sample rates and bit rates an episode's MP3 may have: the one place that says so,
//! for the encoder, the frame reader and the settings alike.
//!
//! The rates are the Layer III rates of MPEG-1 (32, 44.1, 48 kHz: 1152-sample frames) and
//! MPEG-2 (16, 22.05, 24 kHz: 576-sample frames); MPEG-2.5's 8 to 12 kHz are below what a
//! podcast should sound like. Every CBR bit rate the version defines is allowed (ISO/IEC
//! 11172-3 and 13818-3, Layer III tables), 320 kbps included.

use super::Error;

/// The episode sample rates, in Hz.
pub const SAMPLE_RATES: [u32; 6] = [16_000, 22_050, 24_000, 32_000, 44_100, 48_000];

/// The MPEG version of a Layer III stream, which the sample rate decides.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mpeg {
    /// MPEG-1: 32, 44.1 and 48 kHz.
    V1,
    /// MPEG-2 (lower sampling frequencies): 16, 22.05 and 24 kHz.
    V2,
}

/// Layer III bit rates by header index (1 to 14) of MPEG-1.
const MPEG1_KBPS: [u32; 14] = [
    32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320,
];
/// Layer III bit rates by header index (1 to 14) of MPEG-2.
const MPEG2_KBPS: [u32; 14] = [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];

impl Mpeg {
    /// The version an episode at `sample_rate` is, if it is an episode rate.
    pub fn of(sample_rate: u32) -> Result<Mpeg, Error> {
        match sample_rate {
            32_000 | 44_100 | 48_000 => Ok(Mpeg::V1),
            16_000 | 22_050 | 24_000 => Ok(Mpeg::V2),
            _ => Err(Error::SampleRate { sample_rate }),
        }
    }

    /// Samples per frame (per channel).
    pub const fn frame_len(self) -> u32 {
        match self {
            Mpeg::V1 => 1152,
            Mpeg::V2 => 576,
        }
    }

    /// Every CBR bit rate of this version, in kbps, ascending.
    pub const fn bitrates(self) -> &'static [u32] {
        match self {
            Mpeg::V1 => &MPEG1_KBPS,
            Mpeg::V2 => &MPEG2_KBPS,
        }
    }

    /// Bytes per kbps in a frame at 1 Hz: frame bytes = this * kbps * 1000 / 8 / rate.
    pub(super) const fn bytes_factor(self) -> u32 {
        match self {
            Mpeg::V1 => 144,
            Mpeg::V2 => 72,
        }
    }

    /// Bytes of Layer III side information in a mono frame.
    pub(super) const fn mono_side_info(self) -> usize {
        match self {
            Mpeg::V1 => 17,
            Mpeg::V2 => 9,
        }
    }
}

/// The bit rates allowed at `sample_rate`, in kbps, ascending.
pub fn bitrates(sample_rate: u32) -> Result<&'static [u32], Error> {
    Mpeg::of(sample_rate).map(Mpeg::bitrates)
}

/// A sample rate and a CBR bit rate that an episode's MP3 can have together.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Format {
    sample_rate: u32,
    kbps: u32,
}

impl Format {
    /// Checks that MPEG allows `kbps` at `sample_rate`, and that the rate is an episode rate.
    pub fn new(sample_rate: u32, kbps: u32) -> Result<Format, Error> {
        let allowed = bitrates(sample_rate)?;
        if !allowed.contains(&kbps) {
            return Err(Error::Bitrate {
                sample_rate,
                kbps,
                allowed,
            });
        }
        Ok(Format { sample_rate, kbps })
    }

    pub fn sample_rate(self) -> u32 {
        self.sample_rate
    }

    pub fn kbps(self) -> u32 {
        self.kbps
    }

    pub fn mpeg(self) -> Mpeg {
        match self.sample_rate {
            32_000 | 44_100 | 48_000 => Mpeg::V1,
            _ => Mpeg::V2,
        }
    }

    /// Samples per frame: 1152 (MPEG-1) or 576 (MPEG-2).
    pub fn frame_len(self) -> u32 {
        self.mpeg().frame_len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_episode_rate_has_its_versions_bit_rates() {
        for rate in SAMPLE_RATES {
            let mpeg = Mpeg::of(rate).expect("an episode rate");
            for &kbps in mpeg.bitrates() {
                let format = Format::new(rate, kbps).expect("a legal pair");
                assert_eq!((format.sample_rate(), format.kbps()), (rate, kbps));
                assert_eq!(format.mpeg(), mpeg);
            }
        }
        assert_eq!(
            Format::new(44_100, 192).map(Format::frame_len).ok(),
            Some(1152)
        );
        assert_eq!(
            Format::new(22_050, 144).map(Format::frame_len).ok(),
            Some(576)
        );
        assert!(Format::new(48_000, 320).is_ok());
    }

    #[test]
    fn rates_outside_the_tables_are_refused() {
        assert!(matches!(
            Format::new(44_100, 8),
            Err(Error::Bitrate { kbps: 8, .. })
        ));
        assert!(matches!(
            Format::new(22_050, 192),
            Err(Error::Bitrate { kbps: 192, .. })
        ));
        for rate in [8_000, 11_025, 12_000, 22_000, 96_000, 0] {
            assert!(
                matches!(Format::new(rate, 64), Err(Error::SampleRate { .. })),
                "{rate} Hz"
            );
        }
        let message = Format::new(22_050, 192).expect_err("refused").to_string();
        assert!(message.contains("144"), "{message}");
    }
}
