use std::path::Path;

use super::*;

/// A layer of `values` (key, word) from `origin`.
fn words(values: &[(&str, &str)], origin: impl Fn(&'static Key) -> Origin) -> Layer {
    let mut layer = Layer::default();
    for (name, value) in values {
        let key = keys::find(name).expect("a key");
        layer.set(key, Value::Word((*value).into()), origin(key));
    }
    layer
}

fn flags(values: &[(&str, &str)]) -> Layer {
    words(values, |k| Origin::Flag(k.name))
}

fn env(values: &[(&str, &str)]) -> Layer {
    words(values, |k| Origin::Env(k.env.unwrap_or("NARRATE_TEST")))
}

fn toml_file(text: &str) -> Layer {
    file::parse(text, Path::new("dir/narrate.toml")).expect("valid TOML")
}

/// The merged settings of `file`, `env` and `flags`, for a script that does not exist.
fn resolve(file: Layer, env: Layer, flags: Layer) -> Result<Settings, Error> {
    let sources = Sources {
        script: Source::File("nowhere/s.txt".into()),
        defaults: Layer::defaults(),
        file,
        env,
        flags,
    };
    sources.settings()
}

fn message(result: Result<Settings, Error>) -> (String, bool) {
    let e = result.expect_err("refused");
    (e.to_string(), e.is_usage())
}

#[test]
fn the_defaults_are_valid_and_are_the_typed_defaults() {
    let s = resolve(Layer::default(), Layer::default(), Layer::default()).expect("defaults");
    assert_eq!(s.script.voice.rate, Rate(175));
    assert_eq!(s.script.voice.pitch, Pitch(50));
    assert_eq!(s.script.voice.engine, EngineKind::platform_default());
    assert_eq!(s.script.voice.voice.0, "en-us");
    assert_eq!(s.script.voice.noise, Noise::default());
    assert_eq!(s.output, Path::new(DEFAULT_OUTPUT));
    assert_eq!(s.layout, Layout::default());
    assert_eq!(s.layout.sentence_pause, Duration::from_millis(300));
    assert_eq!(
        (s.layout.head, s.layout.tail, s.layout.fade),
        (
            Duration::from_millis(250),
            Duration::from_millis(600),
            Duration::from_millis(8)
        )
    );
    assert_eq!(s.master, Master::default());
    assert_eq!(
        s.master,
        Master {
            loudness: Preset::Podcast,
            sample_rate: 44_100,
            bitrate: 64,
            episode: true,
            episode_wav: false,
        }
    );
    assert_eq!(s.publish, Publish::default());
    assert!(s.publish.read_along && s.publish.epub && s.publish.base_url.is_none());
}

#[test]
fn one_set_of_names_for_keys_flags_and_variables() {
    let mut seen = std::collections::BTreeSet::new();
    for key in KEYS {
        assert!(
            key.name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'-'),
            "{} is not kebab-case",
            key.name
        );
        if let Some(env) = key.env {
            let wanted = format!("NARRATE_{}", key.name.to_uppercase().replace('-', "_"));
            assert_eq!(env, wanted);
        }
        if let Some(off) = key.off {
            assert_eq!(off.flag, format!("no-{}", key.name));
        }
        for name in std::iter::once(&key.name).chain(key.aliases) {
            assert!(seen.insert(*name), "{name} twice");
            assert_eq!(keys::find(name).map(|k| k.name), Some(key.name));
        }
        assert!(
            key.value_flag || key.on_flag || key.off.is_some() || key.group == keys::Group::Script
        );
    }
    let voice = keys::find("voice").expect("voice");
    for engine in EngineKind::ALL {
        assert!(
            voice.help().contains(engine.default_voice()),
            "{}",
            voice.help()
        );
    }
}

#[test]
fn engine_names_parse_print_and_serialize_alike() {
    for engine in EngineKind::ALL {
        assert_eq!(engine.name().parse::<EngineKind>(), Ok(engine));
        assert_eq!(engine.to_string(), engine.name());
        assert_eq!(
            serde_json::to_value(engine).expect("serializes"),
            engine.name()
        );
    }
    let err = "festival".parse::<EngineKind>().expect_err("not an engine");
    assert_eq!(
        err.to_string(),
        "\"festival\" is not an engine (espeak, say, sapi, piper)"
    );
}

#[test]
fn defaults_then_file_then_environment_then_flags() {
    let file = toml_file("rate = 150\npitch = 40\nhead = 100\n");
    let env = env(&[("rate", "160"), ("pitch", "45")]);
    let flags = flags(&[("rate", "170")]);
    let s = resolve(file, env, flags).expect("valid");
    assert_eq!(s.script.voice.rate, Rate(170));
    assert_eq!(s.script.voice.pitch, Pitch(45));
    assert_eq!(s.layout.head, Duration::from_millis(100));
    assert_eq!(s.layout.tail, Layout::default().tail);
}

#[test]
fn a_bad_value_names_the_flag_the_variable_or_the_file_and_line() {
    let none = Layer::default;
    let (e, usage) = message(resolve(none(), none(), flags(&[("rate", "20")])));
    assert_eq!(e, "--rate: rate 20 is outside 80-450 words per minute");
    assert!(usage);
    let (e, usage) = message(resolve(none(), env(&[("rate", "20")]), none()));
    assert_eq!(
        e,
        "NARRATE_RATE: rate 20 is outside 80-450 words per minute"
    );
    assert!(usage);
    let (e, usage) = message(resolve(toml_file("\n\nrate = 20\n"), none(), none()));
    assert_eq!(
        e,
        "dir/narrate.toml: line 3: rate 20 is outside 80-450 words per minute"
    );
    assert!(!usage);
    let (e, usage) = message(resolve(none(), none(), flags(&[("pitch", "abc")])));
    assert_eq!(e, "--pitch: pitch must be a whole number, not \"abc\"");
    assert!(usage);
    let (e, _) = message(resolve(none(), none(), flags(&[("tail", "20000")])));
    assert_eq!(e, "--tail: tail of 20000 ms is longer than 10 s");
    let (e, _) = message(resolve(none(), env(&[("engine", "festival")]), none()));
    assert_eq!(
        e,
        "NARRATE_ENGINE: engine \"festival\" is not one of espeak, say, sapi, piper"
    );
    // A wrong type is an error even where a higher layer hides the value.
    let hidden = resolve(
        toml_file("rate = \"fast\"\n"),
        none(),
        flags(&[("rate", "200")]),
    );
    let (e, usage) = message(hidden);
    assert_eq!(
        e,
        "dir/narrate.toml: line 1: rate must be a whole number, not \"fast\""
    );
    assert!(!usage);
}

#[test]
fn acx_takes_192_kbps_unless_more_is_given_and_refuses_less_or_another_rate() {
    let with = |values: &[(&str, &str)]| resolve(Layer::default(), Layer::default(), flags(values));
    let s = with(&[("loudness", "acx")]).expect("acx");
    assert_eq!((s.master.sample_rate, s.master.bitrate), (44_100, 192));
    let s = with(&[("loudness", "acx"), ("bitrate", "320")]).expect("acx at 320");
    assert_eq!(s.master.bitrate, 320);
    let (e, usage) = message(with(&[("loudness", "acx"), ("bitrate", "128")]));
    assert_eq!(
        e,
        "--bitrate: ACX (--loudness acx) asks for MP3 of 192 kbps or more, not 128 kbps"
    );
    assert!(usage);
    let (e, _) = message(resolve(
        toml_file("sample-rate = 48000\n"),
        Layer::default(),
        flags(&[("loudness", "acx")]),
    ));
    assert_eq!(
        e,
        "dir/narrate.toml: line 1: ACX (--loudness acx) asks for MP3 at 44100 Hz, not 48000 Hz"
    );
    // Without acx, the default stays.
    let s = with(&[("loudness", "podcast")]).expect("podcast");
    assert_eq!(s.master.bitrate, 64);
}

#[test]
fn mp3_rates_are_asked_of_audio_mp3_and_the_error_names_the_setting() {
    let with = |values: &[(&str, &str)]| resolve(Layer::default(), Layer::default(), flags(values));
    // audio::mp3 allows every CBR rate MPEG defines at the sample rate.
    for (rate, kbps) in [
        ("44100", "56"),
        ("44100", "320"),
        ("22050", "144"),
        ("16000", "8"),
    ] {
        let s = with(&[("sample-rate", rate), ("bitrate", kbps)]).expect(kbps);
        assert_eq!(s.master.bitrate.to_string(), kbps);
    }
    let (e, usage) = message(with(&[("sample-rate", "22050"), ("bitrate", "192")]));
    assert!(
        e.starts_with("--bitrate: MP3 at 22050 Hz cannot be 192 kbps"),
        "{e}"
    );
    assert!(usage);
    let (e, _) = message(resolve(
        toml_file("sample-rate = 44000\n"),
        Layer::default(),
        flags(&[("bitrate", "64")]),
    ));
    assert!(
        e.starts_with("dir/narrate.toml: line 1: MP3 cannot be 44000 Hz"),
        "{e}"
    );
}

#[test]
fn narrate_toml_paths_are_relative_to_its_folder_and_switches_read_false() {
    let s = resolve(
        toml_file("output = \"out\"\nlexicon = false\nepisode = false\nread-along = false\n"),
        Layer::default(),
        Layer::default(),
    )
    .expect("valid");
    assert_eq!(s.output, Path::new("dir/out"));
    assert_eq!(s.script.lexicon, None);
    assert!(!s.master.episode && !s.publish.read_along && s.publish.epub);
    let s = resolve(
        toml_file("lexicon = \"words.toml\"\n"),
        Layer::default(),
        flags(&[("output", "elsewhere")]),
    )
    .expect("valid");
    assert_eq!(
        s.script.lexicon.as_deref(),
        Some(Path::new("dir/words.toml"))
    );
    assert_eq!(s.output, Path::new("elsewhere"));
    let mut off = Layer::default();
    off.set(
        keys::find("episode").expect("episode"),
        Value::Off,
        Origin::Flag("no-episode"),
    );
    let s = resolve(toml_file("episode = true\n"), Layer::default(), off).expect("valid");
    assert!(!s.master.episode);
}

#[test]
fn earlier_key_spellings_are_read_and_unknown_keys_name_their_line() {
    let s = resolve(
        toml_file("sentence-pause-ms = 400\nhead-ms = 100\ntail-ms = 900\n"),
        Layer::default(),
        Layer::default(),
    )
    .expect("the earlier spellings");
    assert_eq!(
        (s.layout.sentence_pause, s.layout.head, s.layout.tail),
        (
            Duration::from_millis(400),
            Duration::from_millis(100),
            Duration::from_millis(900)
        )
    );
    let path = Path::new("narrate.toml");
    let twice = file::parse("head = 1\nhead-ms = 2\n", path).expect_err("twice");
    assert!(
        twice.to_string().starts_with("narrate.toml: line 2: "),
        "{twice}"
    );
    let unknown = file::parse("rate = 160\nvoise = \"en-gb\"\n", path).expect_err("unknown");
    let unknown = unknown.to_string();
    assert!(
        unknown.starts_with("narrate.toml: line 2: unknown key `voise`; the keys are lexicon, "),
        "{unknown}"
    );
    let (table, usage) = message(resolve(
        toml_file("[voice]\nrate = 1\n"),
        Layer::default(),
        Layer::default(),
    ));
    assert!(
        table.starts_with("dir/narrate.toml: line 1: voice must be text"),
        "{table}"
    );
    assert!(!usage);
}

#[test]
fn the_dump_reads_back_as_the_same_settings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cover = dir.path().join("cover.png");
    std::fs::write(&cover, crate::output::image::tests::png_of(64, 64)).expect("write");
    let given = flags(&[
        ("album", "The Show"),
        ("date", "2024-03-05"),
        ("genre", "Podcast"),
        ("description", "What it is \"about\"."),
        ("cover", cover.to_str().expect("UTF-8")),
        ("track", "3"),
        ("voice", "en-gb"),
        ("rate", "200"),
        ("noise-scale", "0.667"),
        ("output", "out"),
        ("sentence-pause", "400"),
        ("loudness", "ebu"),
        ("sample-rate", "48000"),
        ("bitrate", "320"),
        ("base-url", "https://example.com/ep1/"),
    ]);
    let file = toml_file("title = \"A \\\"quoted\\\" title\"\nepub = false\nlexicon = false\n");
    let first = resolve(file, Layer::default(), given).expect("valid");
    let text = dump(&first);
    assert!(text.contains("\nnoise-scale = 0.667\n"), "{text}");
    assert!(text.contains("\nlexicon = false\n"), "{text}");
    assert!(!text.contains("noise-w"), "{text}");
    let again = resolve(toml_file(&text), Layer::default(), Layer::default()).expect(&text);
    assert_eq!(dump(&again), text);
    assert_eq!(again.script.voice, first.script.voice);
    assert_eq!(again.credits, first.credits);
    assert_eq!(
        (again.layout, again.master, &again.publish),
        (first.layout, first.master, &first.publish)
    );
    assert_eq!(again.output, std::path::absolute("out").expect("absolute"));
    for key in KEYS {
        let unset = ["noise-w", "artist"];
        assert_eq!(
            text.contains(&format!("\n{} = ", key.name)),
            !unset.contains(&key.name),
            "{}: {text}",
            key.name
        );
    }
}

#[test]
fn source_date_epoch_is_whole_seconds_or_an_error_naming_it() {
    let at = |s: &str| source_date(Some(s.into()));
    assert_eq!(at("0").expect("0 is a date"), Some(std::time::UNIX_EPOCH));
    assert_eq!(
        at("1717243200").expect("whole seconds are a date"),
        Some(std::time::UNIX_EPOCH + Duration::from_secs(1_717_243_200))
    );
    assert_eq!(source_date(None).expect("unset is no date"), None);
    for bad in [
        "",
        "-1",
        "1.5",
        " 12",
        "1e9",
        "99999999999999999999",
        "253402300800",
    ] {
        let e = at(bad).expect_err(bad);
        assert!(e.to_string().starts_with("SOURCE_DATE_EPOCH: "), "{e}");
        assert!(e.is_usage());
    }
}

#[test]
fn the_readme_lists_every_key_in_the_tables_order() {
    let readme = include_str!("../../README.md");
    let settings = &readme[readme.find("### Settings").expect("a settings section")..];
    let block = &settings[settings.find("```toml\n").expect("a narrate.toml") + 8..];
    let block = &block[..block.find("```").expect("its end")];
    let listed: Vec<&str> = block
        .lines()
        .filter_map(|l| l.split_once(" = ").map(|(k, _)| k.trim()))
        .collect();
    let keys: Vec<&str> = KEYS.iter().map(|k| k.name).collect();
    assert_eq!(listed, keys);
    assert!(toml_file(block).check().is_ok());
}

#[test]
fn bad_metadata_is_named_where_it_was_given() {
    let e = resolve(
        Layer::default(),
        Layer::default(),
        flags(&[("date", "2024-13-01")]),
    )
    .expect_err("no month 13");
    assert_eq!(
        e.to_string(),
        "--date: date \"2024-13-01\" is not a date: YYYY-MM-DD (2024-03-05) or a year (2024)"
    );
    assert!(e.is_usage());
    let e = resolve(
        toml_file("\ntrack = 0\n"),
        Layer::default(),
        Layer::default(),
    )
    .expect_err("episode 0");
    assert_eq!(
        e.to_string(),
        "dir/narrate.toml: line 2: track must be an episode number, 1-9999, not 0"
    );
    assert!(!e.is_usage());
    let e = resolve(
        toml_file("genre = \" \"\n"),
        Layer::default(),
        Layer::default(),
    )
    .expect_err("blank");
    assert_eq!(e.to_string(), "dir/narrate.toml: line 1: genre is empty");
}

#[test]
fn a_cover_must_be_a_square_jpeg_or_png_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        path.to_str().expect("UTF-8").to_owned()
    };
    let png = file(
        "square.png",
        &crate::output::image::tests::png_of(1400, 1400),
    );
    let wide = file("wide.jpg", &crate::output::image::tests::jpeg_of(1600, 900));
    let gif = file("cover.gif", b"GIF89a\x10\0\x10\0");
    let missing = dir
        .path()
        .join("none.png")
        .to_str()
        .expect("UTF-8")
        .to_owned();
    let with = |path: &str| {
        resolve(
            Layer::default(),
            Layer::default(),
            flags(&[("cover", path)]),
        )
    };
    let cover = with(&png)
        .expect("a square PNG")
        .credits
        .cover
        .expect("a cover");
    assert_eq!((cover.size, cover.bytes.len()), (1400, 33));
    for (path, why) in [
        (&wide, "is 1600x900 pixels: a cover must be square"),
        (&gif, "is not a JPEG or PNG image (it is a GIF)"),
        (&missing, ": no such file"),
    ] {
        let e = with(path).expect_err(path);
        assert!(e.is_usage(), "{e}");
        let message = e.to_string();
        assert!(
            message.starts_with(&format!("--cover: cover {path}")),
            "{message}"
        );
        assert!(message.ends_with(why), "{message}");
    }
    // In narrate.toml, relative to its folder.
    let e = resolve(
        toml_file("cover = \"art.png\"\n"),
        Layer::default(),
        Layer::default(),
    )
    .expect_err("no dir/art.png");
    assert_eq!(
        e.to_string(),
        "dir/narrate.toml: line 1: cover dir/art.png: no such file"
    );
}
