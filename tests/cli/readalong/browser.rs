//! read-along.html in Chromium, on the sample's output and on a script full of markup.

use std::path::Path;

use serde_json::json;

use super::{
    chapters, chromium, complaints, copy_dir, count_seeks, file_url, loaded, run, seek_by,
    segments, state, Browser,
};
use crate::common::{root, sample_output, sample_script};

/// A promise that resolves once the page has not scrolled for 200 ms.
const STILL: &str = "new Promise(done => { let last = -1, still = 0;
  const check = () => { still = scrollY === last ? still + 1 : 0; last = scrollY;
    still >= 4 ? done() : setTimeout(check, 50); }; check(); })";

/// Width and height of the screenshot, CSS pixels.
const SHOT: (u32, u32) = (1000, 720);

#[test]
fn page_highlights_only_the_sentence_heard_and_plays_from_a_clicked_one() {
    if !chromium() {
        return;
    }
    let (out, _) = sample_output();
    let segments = segments(out);
    let chapters = chapters(out);
    let mut browser = Browser::start();
    browser.open(&file_url(&out.join("read-along.html")));
    let duration = loaded(&mut browser);
    let end = chapters.last().expect("chapters").1 as f64;
    assert!(
        (duration - end).abs() < 30.0,
        "episode.mp3 lasts {duration} ms, the program {end}"
    );

    // At a time inside sentence k (set on the audio itself), sentence k and only it.
    count_seeks(&mut browser);
    for (k, (start, end, _)) in segments.iter().enumerate() {
        seek_by(&mut browser, |b| {
            b.eval(&format!(
                "document.getElementById('audio').currentTime = {}",
                (start + end) as f64 / 2000.0
            ));
        });
        let (active, _) = state(&mut browser);
        assert_eq!(active, [format!("s{}", k + 1)], "inside sentence {}", k + 1);
    }

    // One chapter entry per chapter, each at its chapter's start.
    let starts = browser
        .eval("[...document.querySelectorAll('#chapters li a')].map(a => Number(a.dataset.start))");
    let listed: Vec<u64> = chapters.iter().map(|c| c.0).collect();
    assert_eq!(starts, json!(listed));

    // A real click on sentence j moves the audio to its start and plays.
    let j = 7;
    // The page scrolls smoothly to each sentence it highlights: let that end first.
    let point = browser.eval(&format!(
        "(async () => {{ const el = document.getElementById('s{j}');
           await {STILL};
           el.scrollIntoView({{block: 'center'}});
           await {STILL};
           const r = el.getClientRects()[0];
           const x = r.left + Math.min(8, r.width / 2), y = r.top + r.height / 2;
           const hit = document.elementFromPoint(x, y);
           return [x, y, hit && hit.id]; }})()"
    ));
    assert_eq!(
        point[2],
        json!(format!("s{j}")),
        "the click lands on the sentence"
    );
    let (x, y) = (point[0].as_f64().expect("x"), point[1].as_f64().expect("y"));
    let at = seek_by(&mut browser, |b| b.click(x, y));
    assert_eq!(state(&mut browser).0, [format!("s{j}")]);
    // It plays at once, so the seek may end a few milliseconds past the start.
    let start = segments[j - 1].0 as f64;
    assert!(
        (start - 1.0..start + 150.0).contains(&at),
        "at {at} ms, not sentence {j}'s start"
    );
    let playing = browser.eval(
        "new Promise(done => { const a = document.getElementById('audio');
          if (!a.paused) done(true); else a.addEventListener('playing', () => done(true), {once: true});
          setTimeout(() => done(!a.paused), 5000); })",
    );
    assert_eq!(playing, json!(true), "a click plays");

    // Keys: space pauses, the right arrow goes to the next sentence, the left one back.
    browser.key(" ", "Space", 32);
    assert_eq!(
        browser.eval("document.getElementById('audio').paused"),
        json!(true)
    );
    let at = seek_by(&mut browser, |b| b.key("ArrowRight", "ArrowRight", 39));
    assert_eq!(state(&mut browser).0, [format!("s{}", j + 1)]);
    assert!((at - segments[j].0 as f64).abs() < 1.0, "at {at} ms");
    seek_by(&mut browser, |b| b.key("ArrowLeft", "ArrowLeft", 37));
    assert_eq!(state(&mut browser).0, [format!("s{j}")]);

    // A chapter entry goes to its chapter; the speed control sets the rate.
    let at = seek_by(&mut browser, |b| {
        b.eval("document.querySelectorAll('#chapters li a')[4].click()");
    });
    assert!((at - chapters[4].0 as f64).abs() < 1.0, "at {at} ms");
    let rate = browser.eval(
        "const s = document.getElementById('speed'); s.value = '1.5';
         s.dispatchEvent(new Event('change')); document.getElementById('audio').playbackRate",
    );
    assert_eq!(rate, json!(1.5));

    screenshot(&mut browser, &out.join("read-along.html"), &segments);
    let (console, remote) = complaints(&browser);
    assert!(console.is_empty(), "console: {console:#?}");
    assert!(remote.is_empty(), "requests beyond the folder: {remote:?}");
    assert!(
        browser
            .events_named("Network.requestWillBeSent")
            .any(|e| e["params"]["request"]["url"]
                .as_str()
                .is_some_and(|u| u.ends_with("read-along.html"))),
        "the network log works"
    );
}

/// The page opened at a moment inside a sentence (`#t=`): that sentence is highlighted;
/// its screenshot is a PNG under 200 KB (copied to NARRATE_SCREENSHOT, if set).
fn screenshot(browser: &mut Browser, page: &Path, segments: &[(u64, u64, String)]) {
    browser.call(
        "Emulation.setDeviceMetricsOverride",
        json!({ "width": SHOT.0, "height": SHOT.1, "deviceScaleFactor": 1, "mobile": false }),
    );
    let k = 3;
    let (start, end, _) = &segments[k];
    let t = (start + end) / 2;
    // A new document (a fragment alone would not load the page again).
    browser.open("about:blank");
    browser.open(&format!(
        "{}#t={}.{:03}",
        file_url(page),
        t / 1000,
        t % 1000
    ));
    loaded(browser);
    browser.eval(&format!(
        "{STILL}.then(() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done))))"
    ));
    assert_eq!(state(browser).0, [format!("s{}", k + 1)]);
    let shot = browser.call("Page.captureScreenshot", json!({ "format": "png" }));
    let png = base64::Engine::decode(
        &base64::engine::general_purpose::STANDARD,
        shot["data"].as_str().expect("image data"),
    )
    .expect("base64");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert!(png.len() < 200_000, "{} bytes", png.len());
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("read-along.png"), &png).expect("write");
    if let Some(path) = std::env::var_os("NARRATE_SCREENSHOT") {
        std::fs::write(path, &png).expect("write the screenshot");
    }
}

#[test]
fn page_without_an_episode_plays_the_paragraph_files_in_program_time() {
    if !chromium() {
        return;
    }
    let (sample, _) = sample_output();
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("output");
    copy_dir(sample, &out);
    let script = sample_script();
    let summary = run(
        &root(),
        &[
            script.to_str().expect("UTF-8"),
            "-o",
            out.to_str().expect("UTF-8"),
            "--no-episode",
        ],
    );
    assert!(summary.contains("0 synthesized"), "{summary}");
    assert!(out.join("read-along.html").is_file());
    assert!(
        !out.join("narration.epub").exists(),
        "no EPUB without an episode"
    );
    assert!(
        !out.join("episode.rss.xml").exists(),
        "no feed without an episode"
    );

    let segments = segments(&out);
    let chapters = chapters(&out);
    let files = crate::common::wavs(&out);
    let mut browser = Browser::start();
    browser.open(&file_url(&out.join("read-along.html")));
    let tracks = browser.eval("[...document.querySelectorAll('#tracks li')].map(li => [li.dataset.src, Number(li.dataset.start)])");
    let expected: Vec<_> = files
        .iter()
        .zip(&chapters)
        .map(|(f, c)| json!([f.file_name().expect("a name").to_string_lossy(), c.0]))
        .collect();
    assert_eq!(tracks, json!(expected));

    // A sentence of the third paragraph: its file plays, from the sentence's place in it.
    let third = chapters[2];
    let k = segments
        .iter()
        .position(|s| s.0 >= third.0 && s.1 <= third.1)
        .expect("a sentence in paragraph 3");
    let (start, end, _) = &segments[k];
    let t = (start + end) / 2;
    // The file's metadata arrives (readyState 1) a moment before the page's loadedmetadata
    // handler moves to the sentence, so wait for the move itself (the offset is past 0), with
    // a deadline after which the assertions below report what the page did.
    let v = browser.eval(&format!(
        "readAlong.seek({t}, false);
         new Promise(done => {{ const a = document.getElementById('audio');
           const deadline = Date.now() + 10000;
           const moved = () => a.readyState >= 1 && !a.seeking && a.currentTime > 0;
           const check = () => moved() || Date.now() > deadline
             ? done([a.currentSrc, a.currentTime * 1000, readAlong.now()])
             : setTimeout(check, 20); check(); }})"
    ));
    let name = files[2]
        .file_name()
        .expect("a name")
        .to_string_lossy()
        .into_owned();
    assert!(v[0].as_str().expect("a src").ends_with(&name), "{v}");
    assert!(
        (v[1].as_f64().expect("ms") - (t - third.0) as f64).abs() < 1.0,
        "{v}"
    );
    assert_eq!(v[2], json!(t));
    assert_eq!(state(&mut browser).0, [format!("s{}", k + 1)]);
    let (console, remote) = complaints(&browser);
    assert!(console.is_empty(), "console: {console:#?}");
    assert!(remote.is_empty(), "{remote:?}");
}

/// A Markdown script whose title and text hold markup, quotes and CDATA ends.
pub const MARKUP: &str = "---
title: Salt & <Pepper> \"Quoted\" ]]> it's
author: O'Brien & Sons
---

# Salt and pepper

## The first section

It is written with &lt;b&gt;bold&lt;/b&gt; &amp; &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; in it. Then ]]&gt; appears \"quoted\" {{script}}.

A second paragraph is here.

## A list

The list follows.

- One item is here.
- Two items are here.
";

/// Narrates [`MARKUP`] into `dir/output`.
pub fn narrate_markup(dir: &Path) -> std::path::PathBuf {
    let script = dir.join("markup.md");
    std::fs::write(&script, MARKUP).expect("write");
    let out = dir.join("output");
    run(dir, &["markup.md", "-o", "output"]);
    out
}

#[test]
fn user_text_stays_text_in_the_browser() {
    if !chromium() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let out = narrate_markup(dir.path());
    let segments = segments(&out);
    let mut browser = Browser::start();
    browser.open(&file_url(&out.join("read-along.html")));
    let v = browser.eval(
        "[document.title, document.querySelectorAll('script').length,
          document.querySelectorAll('b, img, #text script').length,
          [...document.querySelectorAll('#text .s')].map(e => e.textContent), typeof window.alerted]",
    );
    assert_eq!(v[0], json!("Salt & <Pepper> \"Quoted\" ]]> it's"));
    assert_eq!(v[1], json!(1), "the page's own script only");
    assert_eq!(v[2], json!(0));
    let bodies: Vec<&str> = segments.iter().map(|s| s.2.as_str()).collect();
    assert_eq!(v[3], json!(bodies));
    assert!(
        bodies
            .iter()
            .any(|b| b.contains("<b>bold</b> & </script><script>alert(1)</script>")),
        "{bodies:?}"
    );
    let (console, remote) = complaints(&browser);
    assert!(console.is_empty(), "console: {console:#?}");
    assert!(remote.is_empty(), "{remote:?}");
}
