//! Each synthesis in a fresh fork of the process, so that its samples depend on the request
//! alone.
//!
//! Why: libespeak-ng keeps synthesis state in function-local statics that no API call resets.
//! The one that matters most is the pitch-flutter phase (`Flutter_ix` in wavegen.c,
//! `AdvanceParameters`), which only ever advances; since each frame is stretched to the end
//! of its glottal cycle, a different pitch wobble also changes the length. Others are the
//! automatic gain (`agc`), the cycle counter used for roughness, and `rand()` for breathy and
//! Klatt voices. Measured with 1.51: the same sentence spoken again after other sentences
//! came out 7 to 1949 samples (up to 88 ms) longer, with most samples different, even with
//! the same voice and settings, and re-selecting the voice or re-setting the parameters did
//! not help.
//!
//! How: this process initializes the library once and never synthesizes. Each request
//! forks; the child selects the voice, sets the parameters, synthesizes, writes the samples
//! and events into a pipe and `_exit`s. Every child starts from the same just-initialized
//! state, the same state `espeak-ng` on the command line starts from, so its output equals
//! the CLI's. A fork of a few-megabyte process costs well under a millisecond, and children
//! of different threads run in parallel (the lock covers only the fork).
//!
//! Forking a multi-threaded process leaves the child only async-signal-safe calls in theory.
//! In practice the child needs malloc and stdio's `fopen` (to read the voice and dictionary),
//! which glibc and the BSD/macOS libc keep usable in a forked child; it takes no lock of ours
//! or of std's and ends with `_exit`, so no destructor or atexit handler runs twice.

use std::ffi::c_int;
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::panic::{catch_unwind, AssertUnwindSafe};

use super::collect::{Collector, RawEvent};
use super::{c_text, failed, lock, ready};
use crate::engine::{EngineError, MarkKind, SynthRequest};

const REPLY_OK: u8 = 0;
const REPLY_UNKNOWN_VOICE: u8 = 1;
const REPLY_FAILED: u8 = 2;

/// Synthesizes `request` in a forked child and collects what it sends back.
pub(super) fn synthesize(request: &SynthRequest<'_>) -> Result<Collector, EngineError> {
    c_text(request.text)?;
    let mut state = lock();
    let loaded = ready(&mut state)?;
    loaded.check_voice(&request.voice.0)?;
    let (read_end, write_end) = pipe()?;
    // SAFETY: fork itself is always safe to call; what the child may do afterwards is
    // discussed in the module docs. We hold the espeak lock, so no thread is inside
    // libespeak-ng (the child's copy of it is consistent) or forking another worker (which
    // would inherit `write_end` and delay our end of file).
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(failed(format!(
            "cannot fork a worker: {}",
            std::io::Error::last_os_error()
        )));
    }
    if pid == 0 {
        drop(read_end);
        let code = catch_unwind(AssertUnwindSafe(|| {
            let reply = encode(loaded.synthesize_here(request));
            match File::from(write_end).write_all(&reply) {
                Ok(()) => 0,
                Err(_) => 1,
            }
        }))
        .unwrap_or(2);
        // SAFETY: ends the child without running the parent's atexit handlers or destructors.
        unsafe { libc::_exit(code) }
    }
    drop(write_end);
    drop(state);
    let mut reply = Vec::new();
    let read = File::from(read_end).read_to_end(&mut reply);
    let status = wait(pid)?;
    read.map_err(|err| failed(format!("reading from the worker: {err}")))?;
    if status != 0 {
        return Err(failed(format!(
            "the espeak-ng worker (pid {pid}) ended with wait status {status}"
        )));
    }
    decode(&reply, request)
}

fn pipe() -> Result<(OwnedFd, OwnedFd), EngineError> {
    let mut fds: [c_int; 2] = [-1, -1];
    // SAFETY: `fds` has room for the two descriptors pipe writes.
    #[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
    let rc = unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) };
    // SAFETY: as above. (No pipe2 here; close-on-exec is set right after, and the espeak
    // lock keeps our own workers from forking in between.)
    #[cfg(not(any(target_os = "linux", target_os = "android", target_os = "freebsd")))]
    let rc = unsafe {
        let rc = libc::pipe(fds.as_mut_ptr());
        if rc == 0 {
            libc::fcntl(fds[0], libc::F_SETFD, libc::FD_CLOEXEC);
            libc::fcntl(fds[1], libc::F_SETFD, libc::FD_CLOEXEC);
        }
        rc
    };
    if rc != 0 {
        return Err(failed(format!(
            "cannot create a pipe: {}",
            std::io::Error::last_os_error()
        )));
    }
    // SAFETY: pipe succeeded, so both descriptors are open and owned by nobody else.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// Reaps `pid`; its raw wait status (0 = exited with code 0).
fn wait(pid: libc::pid_t) -> Result<c_int, EngineError> {
    let mut status: c_int = 0;
    loop {
        // SAFETY: `pid` is our child, not reaped yet; `status` is a valid out pointer.
        let rc = unsafe { libc::waitpid(pid, &mut status, 0) };
        if rc == pid {
            return Ok(status);
        }
        let err = std::io::Error::last_os_error();
        if err.kind() != std::io::ErrorKind::Interrupted {
            return Err(failed(format!("waiting for the worker: {err}")));
        }
    }
}

/// The child's reply: a tag byte, then samples and events, or an error message.
fn encode(result: Result<Collector, EngineError>) -> Vec<u8> {
    match result {
        Ok(collector) => {
            let mut out = Vec::with_capacity(17 + collector.samples.len() * 2);
            out.push(REPLY_OK);
            out.extend((collector.samples.len() as u64).to_le_bytes());
            for s in &collector.samples {
                out.extend(s.to_le_bytes());
            }
            out.extend((collector.events.len() as u64).to_le_bytes());
            for e in &collector.events {
                out.push(match e.kind {
                    MarkKind::Word => 0,
                    MarkKind::Sentence => 1,
                });
                out.extend(e.text_position.to_le_bytes());
                out.extend(e.length.to_le_bytes());
                out.extend(e.sample.to_le_bytes());
                out.extend(e.audio_position.to_le_bytes());
            }
            out
        }
        Err(EngineError::UnknownVoice { .. }) => vec![REPLY_UNKNOWN_VOICE],
        Err(err) => {
            let mut out = vec![REPLY_FAILED];
            out.extend(err.to_string().into_bytes());
            out
        }
    }
}

fn decode(reply: &[u8], request: &SynthRequest<'_>) -> Result<Collector, EngineError> {
    let malformed = || failed("the espeak-ng worker sent a malformed reply");
    let (&tag, mut rest) = reply.split_first().ok_or_else(malformed)?;
    match tag {
        REPLY_OK => {}
        REPLY_UNKNOWN_VOICE => {
            return Err(EngineError::UnknownVoice {
                voice: request.voice.0.clone(),
            })
        }
        REPLY_FAILED => return Err(failed(String::from_utf8_lossy(rest).into_owned())),
        _ => return Err(malformed()),
    }
    let mut take = |n: usize| -> Result<&[u8], EngineError> {
        if rest.len() < n {
            return Err(malformed());
        }
        let (head, tail) = rest.split_at(n);
        rest = tail;
        Ok(head)
    };
    fn array<const N: usize>(bytes: &[u8]) -> [u8; N] {
        let mut out = [0; N];
        out.copy_from_slice(bytes);
        out
    }
    let count = |bytes: &[u8]| usize::try_from(u64::from_le_bytes(array(bytes)));
    let n = count(take(8)?).map_err(|_| malformed())?;
    let samples = take(n.checked_mul(2).ok_or_else(malformed)?)?
        .chunks_exact(2)
        .map(|c| i16::from_le_bytes(array(c)))
        .collect();
    let n = count(take(8)?).map_err(|_| malformed())?;
    let mut events = Vec::with_capacity(n.min(4096));
    for _ in 0..n {
        let kind = match take(1)?[0] {
            0 => MarkKind::Word,
            1 => MarkKind::Sentence,
            _ => return Err(malformed()),
        };
        events.push(RawEvent {
            kind,
            text_position: i32::from_le_bytes(array(take(4)?)),
            length: i32::from_le_bytes(array(take(4)?)),
            sample: u64::from_le_bytes(array(take(8)?)),
            audio_position: i32::from_le_bytes(array(take(4)?)),
        });
    }
    if !rest.is_empty() {
        return Err(malformed());
    }
    Ok(Collector { samples, events })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Pitch, Rate, VoiceId};

    #[test]
    fn replies_round_trip() {
        let voice = VoiceId("en-us".into());
        let request = SynthRequest {
            text: "x",
            voice: &voice,
            rate: Rate(175),
            pitch: Pitch(50),
        };
        let collector = Collector {
            samples: vec![1, -2, i16::MAX, i16::MIN],
            events: vec![RawEvent {
                kind: MarkKind::Sentence,
                text_position: 1,
                length: 3,
                sample: 99,
                audio_position: 4,
            }],
        };
        let back = decode(&encode(Ok(collector)), &request).expect("round trip");
        assert_eq!(back.samples, vec![1, -2, i16::MAX, i16::MIN]);
        assert_eq!(back.events[0].sample, 99);
        let unknown = EngineError::UnknownVoice { voice: "x".into() };
        assert!(matches!(
            decode(&encode(Err(unknown)), &request),
            Err(EngineError::UnknownVoice { voice }) if voice == "en-us"
        ));
        assert!(decode(&[REPLY_OK, 1, 0], &request).is_err());
        assert!(decode(&[], &request).is_err());
    }
}
