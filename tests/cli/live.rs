//! `narrate speak`: live speech. Without the `live` feature it says how to get it; with it,
//! on a machine without sound or without a speech server, it fails fast with a reason, a
//! server that never plays is given up on, and Ctrl-C stops it at once.
//!
//! The tests never use the user's speech-dispatcher: each points `SPEECHD_ADDRESS` at a
//! socket of its own (nothing there, or a private server started and killed by the test).

#[cfg(feature = "live")]
use std::time::{Duration, Instant};

use crate::common::{narrate, root, stderr};

#[cfg(not(feature = "live"))]
#[test]
fn speak_without_the_feature_says_how_to_rebuild() {
    let out = narrate(&root()).arg("speak").output().expect("run");
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(stderr(&out).contains("--features live"), "{}", stderr(&out));
}

/// A `narrate speak` that cannot reach the user's speech server.
#[cfg(feature = "live")]
fn speak(dir: &std::path::Path, socket: &std::path::Path) -> assert_cmd::Command {
    let mut cmd = narrate(dir);
    cmd.env(
        "SPEECHD_ADDRESS",
        format!("unix_socket:{}", socket.display()),
    )
    .env_remove("NARRATE_SPEAK_NO_DEVICE_CHECK")
    .timeout(Duration::from_secs(60))
    .arg("speak");
    cmd
}

#[cfg(feature = "live")]
#[test]
fn speak_without_a_sound_device_fails_at_once() {
    let has_alsa_playback = std::fs::read_dir("/dev/snd").is_ok_and(|d| {
        d.filter_map(Result::ok).any(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            n.starts_with("pcmC") && n.ends_with('p')
        })
    });
    if !cfg!(target_os = "linux") || has_alsa_playback {
        eprintln!("skipped: this machine has a sound device");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let started = Instant::now();
    let out = speak(&root(), &dir.path().join("none.sock"))
        .env("XDG_RUNTIME_DIR", dir.path())
        .env_remove("PULSE_SERVER")
        .output()
        .expect("run");
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("a sound device is not available"),
        "{}",
        stderr(&out)
    );
    assert!(took < Duration::from_secs(3), "took {took:?}");
}

#[cfg(all(feature = "live", target_os = "linux"))]
#[test]
fn speak_without_a_speech_server_fails_at_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let started = Instant::now();
    let out = speak(&root(), &dir.path().join("none.sock"))
        .env("NARRATE_SPEAK_NO_DEVICE_CHECK", "1")
        .args(["--paragraph", "2"])
        .output()
        .expect("run");
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("the system speech service is not available: cannot connect"),
        "{err}"
    );
    assert!(err.contains("spd-say hello"), "{err}");
    assert!(took < Duration::from_secs(6), "took {took:?}");
}

#[cfg(feature = "live")]
#[test]
fn speak_a_paragraph_that_does_not_exist_is_an_input_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = speak(&root(), &dir.path().join("none.sock"))
        .args(["--paragraph", "99"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("there is no paragraph 99: the script has 13"));
}

#[cfg(all(feature = "live", target_os = "linux"))]
mod with_a_server {
    use std::io::{BufRead, BufReader};
    use std::os::unix::process::CommandExt;
    use std::path::{Path, PathBuf};
    use std::process::{Child, Command, Stdio};
    use std::time::{Duration, Instant};

    use crate::common::{root, stderr};

    /// A speech-dispatcher of the test's own, on a private socket, in its own process group
    /// (with its output modules), killed when dropped.
    struct Server {
        child: Child,
        socket: PathBuf,
        _dir: tempfile::TempDir,
    }

    impl Server {
        /// `None` (the test is skipped) when speech-dispatcher is not installed.
        fn start() -> Option<Server> {
            let dir = tempfile::tempdir().expect("tempdir");
            let socket = dir.path().join("speechd.sock");
            let child = Command::new("speech-dispatcher")
                .args(["--run-single", "--log-level", "1", "--timeout", "60"])
                .args(["--communication-method", "unix_socket", "--socket-path"])
                .arg(&socket)
                .arg("--pid-file")
                .arg(dir.path().join("pid"))
                .arg("--log-dir")
                .arg(dir.path())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .process_group(0)
                .spawn();
            let Ok(child) = child else {
                eprintln!("skipped: speech-dispatcher is not installed");
                return None;
            };
            let server = Server {
                child,
                socket,
                _dir: dir,
            };
            let started = Instant::now();
            while !server.socket.exists() {
                assert!(
                    started.elapsed() < Duration::from_secs(20),
                    "speech-dispatcher did not start"
                );
                std::thread::sleep(Duration::from_millis(50));
            }
            Some(server)
        }

        fn speak(&self, script: &Path) -> Command {
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_narrate"));
            for var in [
                "NARRATE_VOICE",
                "NARRATE_RATE",
                "NARRATE_PITCH",
                "NARRATE_CONFIG",
            ] {
                cmd.env_remove(var);
            }
            cmd.current_dir(root())
                .env(
                    "SPEECHD_ADDRESS",
                    format!("unix_socket:{}", self.socket.display()),
                )
                .env("NARRATE_SPEAK_NO_DEVICE_CHECK", "1")
                .arg("speak")
                .arg(script);
            cmd
        }
    }

    impl Drop for Server {
        fn drop(&mut self) {
            let group = -(self.child.id() as i32);
            // SAFETY: kill(2) on the process group this test created; no memory involved.
            unsafe { libc::kill(group, libc::SIGKILL) };
            let _ = self.child.wait();
        }
    }

    /// On a machine without sound, speech-dispatcher reports the start of an utterance and
    /// never its end: narrate must give up within its deadline. (With sound, it speaks.)
    #[test]
    fn a_server_that_never_finishes_is_given_up_on() {
        let Some(server) = Server::start() else {
            return;
        };
        let dir = tempfile::tempdir().expect("tempdir");
        let script = dir.path().join("hi.txt");
        std::fs::write(&script, "Hi.\n").expect("write");
        let started = Instant::now();
        let out = server.speak(&script).output().expect("run");
        let took = started.elapsed();
        let err = stderr(&out);
        assert!(err.contains("[1/1] paragraph 1: Hi."), "{err}");
        if !out.status.success() {
            assert_eq!(out.status.code(), Some(4), "{err}");
            assert!(err.contains("working sound device?"), "{err}");
        }
        assert!(took < Duration::from_secs(12), "took {took:?}");
    }

    /// Ctrl-C while a sentence is being spoken stops at once, with exit code 130.
    #[test]
    fn ctrl_c_stops_speech_at_once() {
        let Some(server) = Server::start() else {
            return;
        };
        let mut child = server
            .speak(&root().join("script/essay.txt"))
            .stderr(Stdio::piped())
            .spawn()
            .expect("run");
        let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
        let first = lines.next().expect("a line").expect("utf-8");
        assert!(first.starts_with("[1/"), "{first}");
        std::thread::sleep(Duration::from_millis(300));
        let sent = Instant::now();
        // SAFETY: kill(2) on the child this test started.
        unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
        let status = child.wait().expect("wait");
        let took = sent.elapsed();
        let rest: Vec<String> = lines.map_while(Result::ok).collect();
        assert_eq!(status.code(), Some(130), "{rest:?}");
        assert!(
            rest.iter().any(|l| l.contains("error: stopped")),
            "{rest:?}"
        );
        assert!(took < Duration::from_secs(1), "took {took:?}");
    }
}
