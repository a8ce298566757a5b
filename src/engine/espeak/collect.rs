//! What the synth callback gathers during one `espeak_Synth`, and its conversion into
//! [`Speech`].
//!
//! In `AUDIO_OUTPUT_SYNCHRONOUS` mode espeak-ng calls the callback on the calling thread, once
//! per filled buffer, with the samples and the events that fall inside them. The events'
//! `sample` field is the exact index of the event in the message's output: espeak-ng fills it
//! from its running sample count plus the write position inside the buffer at the moment the
//! marker is reached (speech.c, `MarkerEvent`). That is exact, unlike the sample count at
//! callback time (the start of the buffer, up to 200 ms early) or `audio_position` (whole
//! milliseconds, so up to 21 samples early at 22050 Hz). We use `sample`, clamped to the
//! buffer it arrived with, and a test checks it agrees with `audio_position`.

use std::ffi::{c_int, c_short, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};

use super::sys;
use crate::engine::{Mark, MarkKind, Speech};

/// One word or sentence event as espeak-ng reported it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct RawEvent {
    pub kind: MarkKind,
    /// 1-based character index.
    pub text_position: i32,
    /// Length in characters.
    pub length: i32,
    /// Sample index from the start of the output, as espeak-ng computed it.
    pub sample: u64,
    /// Milliseconds from the start of the output.
    pub audio_position: i32,
}

/// Filled by [`on_synth`] through the `user_data` pointer of `espeak_Synth`.
#[derive(Debug, Default)]
pub(super) struct Collector {
    pub samples: Vec<i16>,
    pub events: Vec<RawEvent>,
}

impl Collector {
    fn take_buffer(&mut self, wav: &[i16], events: &[sys::Event]) {
        let start = self.samples.len() as u64;
        let end = start + wav.len() as u64;
        for event in events {
            let kind = match event.kind {
                sys::EVENT_WORD => MarkKind::Word,
                sys::EVENT_SENTENCE => MarkKind::Sentence,
                _ => continue,
            };
            let sample = u64::try_from(event.sample).unwrap_or(0).clamp(start, end);
            self.events.push(RawEvent {
                kind,
                text_position: event.text_position,
                length: event.length,
                sample,
                audio_position: event.audio_position,
            });
        }
        self.samples.extend_from_slice(wav);
    }

    /// The speech for `text`, the exact string that was synthesized.
    pub fn into_speech(self, text: &str, sample_rate: u32) -> Speech {
        let bounds = char_boundaries(text);
        let marks = self
            .events
            .iter()
            // espeak-ng reports an empty word after some punctuation ("or ALT)."); it marks
            // nothing a reader could follow, so it is dropped.
            .filter(|e| !(e.kind == MarkKind::Word && e.length <= 0))
            .map(|e| to_mark(e, &bounds))
            .collect();
        Speech {
            samples: self.samples,
            sample_rate,
            marks,
        }
    }
}

/// Byte offset of every character of `text`, then `text.len()`.
fn char_boundaries(text: &str) -> Vec<usize> {
    text.char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()))
        .collect()
}

/// Character positions (1-based index, length) into byte offsets, clamped to the text.
fn to_mark(event: &RawEvent, bounds: &[usize]) -> Mark {
    let chars = bounds.len() - 1;
    let first = usize::try_from(event.text_position.saturating_sub(1))
        .unwrap_or(0)
        .min(chars);
    let last = first
        .saturating_add(usize::try_from(event.length).unwrap_or(0))
        .min(chars);
    Mark {
        kind: event.kind,
        text_start: bounds[first],
        text_len: bounds[last] - bounds[first],
        sample: event.sample,
    }
}

/// The `t_espeak_callback` registered once at initialization.
///
/// # Safety
/// espeak-ng calls it with `wav` null or pointing at `n` samples, and `events` pointing at an
/// event list ended by `espeakEVENT_LIST_TERMINATED` whose `user_data` is the pointer given to
/// `espeak_Synth`: null, or a `*mut Collector` that is exclusively ours for the call.
pub(super) unsafe extern "C" fn on_synth(
    wav: *mut c_short,
    n: c_int,
    events: *mut sys::Event,
) -> c_int {
    if events.is_null() {
        return 0;
    }
    // SAFETY: per this function's contract `events` points at a terminated list; we read up
    // to and including the terminator and never past it.
    let events = unsafe {
        let mut len = 0;
        while (*events.add(len)).kind != sys::EVENT_LIST_TERMINATED {
            len += 1;
        }
        std::slice::from_raw_parts(events, len + 1)
    };
    let collector = events[0].user_data.cast::<Collector>();
    if collector.is_null() {
        return 0;
    }
    let wav: &[i16] = match usize::try_from(n) {
        // SAFETY: espeak-ng hands `n` valid samples at `wav` for the duration of the call.
        Ok(n) if !wav.is_null() && n > 0 => unsafe { std::slice::from_raw_parts(wav, n) },
        _ => &[],
    };
    // SAFETY: `user_data` is the `&mut Collector` that `Espeak::synthesize` passed to
    // `espeak_Synth`; it outlives the call and nothing else touches it meanwhile (the global
    // lock is held and espeak-ng calls back on the synthesizing thread).
    let collector = unsafe { &mut *collector };
    let events = &events[..events.len() - 1];
    // A panic must not unwind into C; abort the synthesis instead (1 = stop).
    match catch_unwind(AssertUnwindSafe(|| collector.take_buffer(wav, events))) {
        Ok(()) => 0,
        Err(_) => 1,
    }
}

/// The `user_data` pointer for a collector.
pub(super) fn user_data(collector: &mut Collector) -> *mut c_void {
    (collector as *mut Collector).cast()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(kind: MarkKind, text_position: i32, length: i32) -> RawEvent {
        RawEvent {
            kind,
            text_position,
            length,
            sample: 7,
            audio_position: 0,
        }
    }

    #[test]
    fn character_positions_become_byte_offsets() {
        let text = "Café naïve ok";
        let bounds = char_boundaries(text);
        let m = to_mark(&raw(MarkKind::Word, 6, 5), &bounds);
        assert_eq!(&text[m.text_start..m.text_start + m.text_len], "naïve");
        assert_eq!(m.sample, 7);
        let m = to_mark(&raw(MarkKind::Word, 1, 4), &bounds);
        assert_eq!(&text[m.text_start..m.text_start + m.text_len], "Café");
    }

    #[test]
    fn positions_past_the_text_are_clamped() {
        let bounds = char_boundaries("ab");
        let m = to_mark(&raw(MarkKind::Sentence, 9, 4), &bounds);
        assert_eq!((m.text_start, m.text_len), (2, 0));
        let m = to_mark(&raw(MarkKind::Sentence, 0, -1), &bounds);
        assert_eq!((m.text_start, m.text_len), (0, 0));
    }

    #[test]
    fn empty_words_are_dropped() {
        let collector = Collector {
            samples: vec![0; 10],
            events: vec![raw(MarkKind::Word, 1, 2), raw(MarkKind::Word, 3, 0)],
        };
        let speech = collector.into_speech("or", 22050);
        assert_eq!(speech.marks.len(), 1);
    }
}
