//! A deterministic engine for unit tests of the planner and cache: a tone whose length
//! depends only on the text, never on what was spoken before.

use super::{
    Engine, EngineError, EngineKind, Mark, MarkKind, Speech, SynthRequest, VoiceId, VoiceInfo,
};

#[derive(Debug, Default)]
pub struct Fake {
    /// Every text synthesized, in order.
    pub spoken: Vec<String>,
}

impl Engine for Fake {
    fn kind(&self) -> EngineKind {
        EngineKind::Espeak
    }
    fn version(&self) -> String {
        "fake-1".into()
    }
    fn sample_rate(&self) -> u32 {
        8000
    }
    fn voices(&mut self) -> Result<Vec<VoiceInfo>, EngineError> {
        Ok(vec![VoiceInfo {
            id: VoiceId("fake".into()),
            name: "fake".into(),
            language: "en".into(),
            gender: None,
        }])
    }
    fn synthesize(&mut self, request: &SynthRequest<'_>) -> Result<Speech, EngineError> {
        self.spoken.push(request.text.to_owned());
        let len = 400 * request.text.chars().count() as u64;
        let samples = (0..len)
            .map(|i| if (i / 10) % 2 == 0 { 8000 } else { -8000 })
            .collect();
        Ok(Speech {
            samples,
            sample_rate: 8000,
            marks: vec![Mark {
                kind: MarkKind::Sentence,
                text_start: 0,
                text_len: request.text.len(),
                sample: 0,
            }],
        })
    }
}
