//! espeak-ng, in-process through libespeak-ng. (stub: being written)

use super::{Engine, EngineError, EngineKind, Speech, SynthRequest, VoiceInfo};

#[derive(Debug)]
pub struct Espeak {}

impl Espeak {
    pub fn open() -> Result<Espeak, EngineError> {
        Err(EngineError::Missing {
            what: "libespeak-ng".into(),
            reason: "not written yet".into(),
            hint: "sudo apt-get install libespeak-ng1".into(),
        })
    }
}

impl Engine for Espeak {
    fn kind(&self) -> EngineKind {
        EngineKind::Espeak
    }
    fn version(&self) -> String {
        String::new()
    }
    fn sample_rate(&self) -> u32 {
        22050
    }
    fn voices(&mut self) -> Result<Vec<VoiceInfo>, EngineError> {
        Ok(vec![])
    }
    fn synthesize(&mut self, request: &SynthRequest<'_>) -> Result<Speech, EngineError> {
        let _ = request;
        Ok(Speech::default())
    }
}
