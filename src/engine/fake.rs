//! A deterministic engine for unit tests of the planner and cache: a tone whose length
//! depends only on the text and the rate, never on what was spoken before.

use super::{
    Engine, EngineError, EngineKind, Mark, MarkKind, Speech, SynthRequest, VoiceId, VoiceInfo,
};

#[derive(Debug)]
pub struct Fake {
    /// Every text synthesized, in order.
    pub spoken: Vec<String>,
    /// Reported engine version (changing it must invalidate the cache).
    pub version: String,
    /// Texts containing this fail to synthesize.
    pub fail_on: Option<String>,
    /// The number of requests in each [`Engine::synthesize_all`] call.
    pub batches: Vec<usize>,
    /// What [`Engine::batch`] says.
    pub batch: usize,
}

impl Default for Fake {
    fn default() -> Fake {
        Fake {
            spoken: Vec::new(),
            version: "fake-1".into(),
            fail_on: None,
            batches: Vec::new(),
            batch: 1,
        }
    }
}

impl Engine for Fake {
    fn kind(&self) -> EngineKind {
        EngineKind::Espeak
    }
    fn version(&self) -> String {
        self.version.clone()
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
        if let Some(bad) = &self.fail_on {
            if request.text.contains(bad.as_str()) {
                return Err(EngineError::Failed {
                    engine: "fake".into(),
                    message: format!("refused {bad:?}"),
                });
            }
        }
        self.spoken.push(request.text.to_owned());
        // Faster speech is shorter, as with a real engine (175 words per minute: 40 samples a
        // character).
        let len = 40 * 175 * request.text.chars().count() as u64 / u64::from(request.rate.0);
        let seed = request
            .text
            .bytes()
            .fold(0u32, |a, b| a.wrapping_mul(31).wrapping_add(b.into()));
        let samples = (0..len)
            .map(|i| {
                if (i / 10 + u64::from(seed % 7)) % 2 == 0 {
                    8000
                } else {
                    -8000
                }
            })
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

    fn batch(&self) -> usize {
        self.batch
    }

    fn synthesize_all(
        &mut self,
        requests: &[SynthRequest<'_>],
    ) -> Vec<Result<Speech, EngineError>> {
        self.batches.push(requests.len());
        requests.iter().map(|r| self.synthesize(r)).collect()
    }
}
