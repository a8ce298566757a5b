//! `narrate speak`: the script read aloud now (see [`crate::live`]).

use crate::cli::SpeakArgs;
use crate::error::Result;

#[cfg(feature = "live")]
pub fn speak(args: &SpeakArgs) -> Result<()> {
    let settings = args.script.settings()?;
    let (doc, lexicon) = super::load_inputs(&settings, super::Report::Normal)?;
    let paragraphs = crate::script::prepare(&doc, &lexicon);
    crate::live::speak(&paragraphs, args.paragraph, &settings)
}

/// Without the `live` feature, `narrate speak` exists but says how to get it.
#[cfg(not(feature = "live"))]
pub fn speak(_: &SpeakArgs) -> Result<()> {
    Err(crate::engine::EngineError::Missing {
        what: "live speech".into(),
        reason: "this narrate was built without the `live` feature".into(),
        hint: "rebuild with `cargo install --path . --features live` (on Linux that needs \
               libspeechd-dev and libclang-dev: `scripts/setup --live`)"
            .into(),
    }
    .into())
}
