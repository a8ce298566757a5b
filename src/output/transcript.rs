//! `transcript.json`: the Podcasting 2.0 JSON transcript (version 1.0.0), one segment per
//! sentence, for podcast apps that read `<podcast:transcript type="application/json">`.
//!
//! Fields as the Podcast Index documents them (`docs/examples/transcripts/transcripts.md`):
//! `version`, `segments`, each with `startTime` and `endTime` in seconds (numbers) and
//! `body`. `speaker` is optional and left out: one voice reads everything. Times are the
//! same milliseconds as the VTT and SRT cues; a sentence with no text is left out.

use serde::Serialize;

use super::{fmt, Listing, Program};

/// Podcasting 2.0 JSON transcript.
#[derive(Clone, Copy, Debug, Default)]
pub struct JsonTranscript;

/// Version of the JSON transcript format written.
pub const VERSION: &str = "1.0.0";

#[derive(Serialize)]
struct Document {
    version: &'static str,
    segments: Vec<Segment>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Segment {
    start_time: f64,
    end_time: f64,
    body: String,
}

impl Listing for JsonTranscript {
    fn file_name(&self) -> &'static str {
        "transcript.json"
    }

    fn description(&self) -> &'static str {
        "Podcasting 2.0 JSON transcript for podcast apps (podcast:transcript)"
    }

    fn render(&self, program: &Program) -> String {
        let segments = program
            .cues()
            .map(|cue| (cue, fmt::one_line(&cue.text)))
            .filter(|(_, body)| !body.is_empty())
            .map(|(cue, body)| Segment {
                start_time: fmt::seconds_f64(fmt::millis(cue.start)),
                end_time: fmt::seconds_f64(fmt::millis(cue.end)),
                body,
            })
            .collect();
        let document = Document {
            version: VERSION,
            segments,
        };
        fmt::pretty_json(&document)
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;
    use serde_json::Value;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(JsonTranscript.render(&fixture::program()));
    }

    #[test]
    fn segments_have_the_podcasting_fields_and_the_cue_times() {
        let program = fixture::program();
        let value: Value =
            serde_json::from_str(&JsonTranscript.render(&program)).expect("valid JSON");
        assert_eq!(value["version"], "1.0.0");
        let segments = value["segments"].as_array().expect("segments");
        let cues: Vec<_> = program.cues().collect();
        assert_eq!(segments.len(), cues.len());
        for (segment, cue) in segments.iter().zip(cues) {
            let keys: Vec<&str> = segment
                .as_object()
                .expect("an object")
                .keys()
                .map(String::as_str)
                .collect();
            assert_eq!(keys.len(), 3, "{keys:?}");
            let start = segment["startTime"].as_f64().expect("a number");
            let end = segment["endTime"].as_f64().expect("a number");
            assert_eq!((start * 1000.0).round() as u64, fmt::millis(cue.start));
            assert_eq!((end * 1000.0).round() as u64, fmt::millis(cue.end));
            assert_eq!(segment["body"], fmt::one_line(&cue.text).as_str());
        }
    }

    #[test]
    fn empty_sentences_are_left_out() {
        let mut program = fixture::program();
        program.tracks[0].cues[0].text = " \n ".to_owned();
        let value: Value =
            serde_json::from_str(&JsonTranscript.render(&program)).expect("valid JSON");
        let segments = value["segments"].as_array().expect("segments");
        assert_eq!(segments.len(), 5);
        assert_eq!(segments[0]["body"], "Nothing else --> matters.");
    }
}
