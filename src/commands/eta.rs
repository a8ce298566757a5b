//! The progress bar's estimate of the time left, from the audio still to speak.
//!
//! Counting engine requests misleads: they differ a lot in length (a heading, a 60-word
//! sentence), and the engine speaks them in batches ahead of the rest of the work, which
//! is the pace of a long run (loudness, files, MP3 segments: on a 260-paragraph script
//! every request was answered at half time). So progress is counted in paragraphs handed
//! to finishing, and what is left is estimated in seconds of audio: each paragraph's from
//! its text length, at the seconds of audio per character so far; and the time it takes at
//! the pace of the last [`WINDOW`] paragraphs (the first few are handed on faster, while
//! the queues behind fill). Until a paragraph is done there is no estimate.

use std::collections::VecDeque;
use std::time::Duration;

/// Paragraphs whose pace counts.
pub const WINDOW: usize = 32;

/// What was made so far, against what there is to make.
#[derive(Clone, Debug, Default)]
pub struct Eta {
    /// Characters of text of every paragraph to make.
    total_chars: usize,
    /// Characters of text of the paragraphs made.
    done_chars: usize,
    /// Audio of the paragraphs made.
    done_audio: Duration,
    /// (when, audio made by then) at the last [`WINDOW`] paragraphs, and the start.
    recent: VecDeque<(Duration, Duration)>,
}

impl Eta {
    /// An estimate for pieces of `total_chars` characters of text.
    pub fn new(total_chars: usize) -> Eta {
        Eta {
            total_chars,
            recent: VecDeque::from([(Duration::ZERO, Duration::ZERO)]),
            ..Eta::default()
        }
    }

    /// One more paragraph made, `elapsed` after the start: `chars` of text into `audio`.
    pub fn add(&mut self, chars: usize, audio: Duration, elapsed: Duration) {
        self.done_chars += chars;
        self.done_audio += audio;
        self.recent.push_back((elapsed, self.done_audio));
        if self.recent.len() > WINDOW + 1 {
            self.recent.pop_front();
        }
    }

    /// Seconds of audio still to make, at the audio per character so far.
    pub fn audio_left(&self) -> Option<f64> {
        if self.done_chars == 0 {
            return None;
        }
        let per_char = self.done_audio.as_secs_f64() / self.done_chars as f64;
        Some(self.total_chars.saturating_sub(self.done_chars) as f64 * per_char)
    }

    /// Wall time left, at the pace of the last [`WINDOW`] paragraphs.
    pub fn left(&self) -> Option<Duration> {
        let audio_left = self.audio_left()?;
        let (&(t0, a0), &(t1, a1)) = (self.recent.front()?, self.recent.back()?);
        let made = (a1 - a0).as_secs_f64();
        (made > 0.0).then(|| Duration::from_secs_f64(audio_left * (t1 - t0).as_secs_f64() / made))
    }
}

/// `m:ss` (or `h:mm:ss`) rounded up to the second, as the bar shows it.
pub fn clock(d: Duration) -> String {
    let s = d.as_secs() + u64::from(d.subsec_nanos() > 0);
    match s / 3600 {
        0 => format!("{}:{:02}", s / 60, s % 60),
        h => format!("{h}:{:02}:{:02}", s / 60 % 60, s % 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_left_follows_the_audio_left_not_the_requests() {
        // 1000 characters in all; 100 spoken into 8 s of audio in 2 s: 0.08 s a character,
        // 72 s of audio left, made at 4x real time: 18 s.
        let mut eta = Eta::new(1000);
        assert_eq!(eta.left(), None);
        eta.add(60, Duration::from_secs(5), Duration::from_secs(1));
        eta.add(40, Duration::from_secs(3), Duration::from_secs(2));
        let audio = eta.audio_left().expect("an estimate");
        assert!((audio - 72.0).abs() < 1e-9, "{audio}");
        let left = eta.left().expect("an estimate");
        assert!((left.as_secs_f64() - 18.0).abs() < 1e-9, "{left:?}");
        // A long paragraph counts for its length: one step, most of the work.
        eta.add(800, Duration::from_secs(64), Duration::from_secs(18));
        let left = eta.left().expect("an estimate");
        assert!((left.as_secs_f64() - 2.0).abs() < 1e-9, "{left:?}");
    }

    #[test]
    fn the_pace_is_the_last_paragraphs_not_the_first_burst() {
        let mut eta = Eta::new(10_000);
        // Ten paragraphs of 10 s handed on in a second (the queues filling)...
        for i in 1..=10 {
            eta.add(100, Duration::from_secs(10), Duration::from_millis(100 * i));
        }
        // ...then one every second for a while: 10x real time.
        for i in 1..=WINDOW as u64 {
            eta.add(100, Duration::from_secs(10), Duration::from_secs(1 + i));
        }
        // 10,000 - 4,200 characters left: 580 s of audio, at 10x: 58 s.
        let left = eta.left().expect("an estimate").as_secs_f64();
        assert!((left - 58.0).abs() < 1e-6, "{left}");
    }

    #[test]
    fn clock_rounds_up() {
        assert_eq!(clock(Duration::from_millis(65_001)), "1:06");
        assert_eq!(clock(Duration::from_secs(59)), "0:59");
        assert_eq!(clock(Duration::from_secs(3_725)), "1:02:05");
    }
}
