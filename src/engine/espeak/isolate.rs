//! Each synthesis in a fresh fork of the process, so that its samples depend on the request
//! alone.
//!
//! Why: libespeak-ng keeps synthesis state in function-local statics that no API call resets.
//! The one that matters most is the pitch-flutter phase (`Flutter_ix` in wavegen.c,
//! `AdvanceParameters`), which only ever advances; since each frame is stretched to the end
//! of its glottal cycle, a different pitch wobble also changes the length. Others are the
//! automatic gain (`agc`), the cycle counter used for roughness, and `rand()` for breathy and
//! Klatt voices. Measured with 1.51: the same sentence spoken again after other sentences
//! came out 11 to 1956 samples (up to 89 ms) longer, with most samples different, even with
//! the same voice and settings, and re-selecting the voice or re-setting the parameters did
//! not help.
//!
//! How: this process initializes the library once and never synthesizes. Each request
//! forks; the child selects the voice, sets the parameters, synthesizes, writes the samples
//! and events into a pipe and `_exit`s. Every child starts from the same just-initialized
//! state, the same state `espeak-ng` on the command line starts from, so its output equals
//! the CLI's. Children of different threads run in parallel (the lock covers only the fork).
//! Cost, measured on the sample essay (34 sentences, 265 s of audio): 33 ms a sentence
//! against 24 ms in-process (the fork itself takes under a millisecond; the rest is mostly
//! the child selecting its voice from scratch, where the parent process would find it
//! already selected), 230 times faster than real time, or 340 times with two threads.
//!
//! Forking a multi-threaded process leaves the child only async-signal-safe calls in theory.
//! In practice the child needs malloc and stdio's `fopen` (to read the voice and dictionary),
//! which glibc and the BSD/macOS libc keep usable in a forked child; it takes no lock of ours
//! or of std's and ends with `_exit`, so no destructor or atexit handler runs twice.

use std::ffi::c_int;
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::os::fd::{FromRawFd, OwnedFd};
use std::panic::{catch_unwind, AssertUnwindSafe};

use super::collect::{Collector, RawEvent};
use super::{c_text, failed, lock, ready};
use crate::engine::{EngineError, MarkKind, SynthRequest};

const REPLY_OK: u8 = 0;
const REPLY_UNKNOWN_VOICE: u8 = 1;
const REPLY_FAILED: u8 = 2;

/// Closes every descriptor the child inherited except stdio and `keep`. Without this the
/// child holds, for its short life, copies of whatever the parent had open, including the
/// output folder's lock (a `flock` belongs to the open file, which the child shares), so a
/// lock released by the parent would stay held until the child exits.
fn close_inherited(keep: RawFd) {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: close_range only closes descriptors; the ranges exclude stdio and `keep`.
        let ok = unsafe {
            libc::syscall(
                libc::SYS_close_range,
                3u32,
                (keep as u32).saturating_sub(1),
                0u32,
            ) == 0
                && libc::syscall(libc::SYS_close_range, keep as u32 + 1, u32::MAX, 0u32) == 0
        };
        if ok {
            return;
        }
    }
    for fd in 3..1024 {
        if fd != keep {
            // SAFETY: closing a descriptor that is not open is a harmless EBADF.
            unsafe { libc::close(fd) };
        }
    }
}

/// Synthesizes `request` with `voice` in a forked child and collects what it sends back.
pub(super) fn synthesize(
    voice: &str,
    request: &SynthRequest<'_>,
) -> Result<Collector, EngineError> {
    c_text(request.text)?;
    let bytes = run_forked(voice, |loaded| {
        let mut reply = Vec::new();
        // Writing into a Vec cannot fail.
        let _ = encode(loaded.synthesize_here(voice, request), &mut reply);
        reply
    })?;
    decode(&mut bytes.as_slice(), voice)
}

/// Runs `work` on the initialized library in a forked child (after checking `voice` is
/// listed) and returns the bytes it produced. For calls other than synthesis that also leave
/// state behind, such as selecting another voice to phonemize with (see `phonemes`): the
/// parent never changes voice, so workers keep forking from one fixed state.
pub(super) fn run_forked(
    voice: &str,
    work: impl FnOnce(&super::Loaded) -> Vec<u8>,
) -> Result<Vec<u8>, EngineError> {
    let mut state = lock();
    let loaded = ready(&mut state)?;
    loaded.check_voice(voice)?;
    let (read_end, write_end) = pipe()?;
    // SAFETY: fork itself is always safe to call; what the child may do afterwards is
    // discussed in the module docs. We hold the espeak lock, so no thread is inside
    // libespeak-ng (the child's copy of it is consistent) or forking another worker (which
    // would inherit `write_end` and delay our end of file). The child only calls into
    // espeak-ng, writes to its pipe and `_exit`s.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(failed(format!(
            "cannot fork a worker: {}",
            std::io::Error::last_os_error()
        )));
    }
    if pid == 0 {
        drop(read_end);
        close_inherited(write_end.as_raw_fd());
        let code = catch_unwind(AssertUnwindSafe(|| {
            let bytes = work(loaded);
            match File::from(write_end).write_all(&bytes) {
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
    let mut bytes = Vec::new();
    let read = File::from(read_end).read_to_end(&mut bytes);
    let status = wait(pid)?;
    if status != 0 || read.is_err() {
        return Err(failed(format!(
            "the espeak-ng worker (pid {pid}) ended with wait status {status}"
        )));
    }
    Ok(bytes)
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

/// Length of the reply header: tag, sample count, event count.
const HEADER: usize = 17;
/// Length of one encoded event.
const EVENT: usize = 21;

/// Writes the child's reply: the header, the events, then the samples as raw native-endian
/// bytes (parent and child are the same binary), or the tag and an error message.
fn encode(result: Result<Collector, EngineError>, out: &mut impl Write) -> std::io::Result<()> {
    let collector = match result {
        Ok(collector) => collector,
        Err(EngineError::UnknownVoice { .. }) => return out.write_all(&[REPLY_UNKNOWN_VOICE]),
        Err(err) => {
            out.write_all(&[REPLY_FAILED])?;
            return out.write_all(err.to_string().as_bytes());
        }
    };
    let mut head = Vec::with_capacity(HEADER + EVENT * collector.events.len());
    head.push(REPLY_OK);
    head.extend((collector.samples.len() as u64).to_le_bytes());
    head.extend((collector.events.len() as u64).to_le_bytes());
    for e in &collector.events {
        head.push(match e.kind {
            MarkKind::Word => 0,
            MarkKind::Sentence => 1,
        });
        head.extend(e.text_position.to_le_bytes());
        head.extend(e.length.to_le_bytes());
        head.extend(e.sample.to_le_bytes());
        head.extend(e.audio_position.to_le_bytes());
    }
    out.write_all(&head)?;
    out.write_all(sample_bytes(&collector.samples))
}

fn sample_bytes(samples: &[i16]) -> &[u8] {
    // SAFETY: i16 has no padding and any alignment suits u8; the length covers exactly the
    // same memory.
    unsafe { std::slice::from_raw_parts(samples.as_ptr().cast(), std::mem::size_of_val(samples)) }
}

fn sample_bytes_mut(samples: &mut [i16]) -> &mut [u8] {
    let len = std::mem::size_of_val(samples);
    // SAFETY: as in `sample_bytes`; every byte pattern is a valid i16.
    unsafe { std::slice::from_raw_parts_mut(samples.as_mut_ptr().cast(), len) }
}

/// Reads what [`encode`] wrote, to the end.
fn decode(input: &mut impl Read, voice: &str) -> Result<Collector, EngineError> {
    let malformed = || failed("the espeak-ng worker sent a malformed reply");
    let mut tag = [0u8; 1];
    input.read_exact(&mut tag).map_err(|_| malformed())?;
    match tag[0] {
        REPLY_OK => {}
        REPLY_UNKNOWN_VOICE => {
            return Err(EngineError::UnknownVoice {
                voice: voice.to_owned(),
            })
        }
        REPLY_FAILED => {
            let mut message = Vec::new();
            input.read_to_end(&mut message).map_err(|_| malformed())?;
            return Err(failed(String::from_utf8_lossy(&message).into_owned()));
        }
        _ => return Err(malformed()),
    }
    let mut counts = [0u8; HEADER - 1];
    input.read_exact(&mut counts).map_err(|_| malformed())?;
    let count = |at: usize| -> Result<usize, EngineError> {
        let n = u64::from_le_bytes(array(&counts[at..at + 8]));
        usize::try_from(n).map_err(|_| malformed())
    };
    let (n_samples, n_events) = (count(0)?, count(8)?);
    let mut events = vec![0u8; n_events.checked_mul(EVENT).ok_or_else(malformed)?];
    input.read_exact(&mut events).map_err(|_| malformed())?;
    let events = events
        .chunks_exact(EVENT)
        .map(|e| {
            Ok(RawEvent {
                kind: match e[0] {
                    0 => MarkKind::Word,
                    1 => MarkKind::Sentence,
                    _ => return Err(malformed()),
                },
                text_position: i32::from_le_bytes(array(&e[1..5])),
                length: i32::from_le_bytes(array(&e[5..9])),
                sample: u64::from_le_bytes(array(&e[9..17])),
                audio_position: i32::from_le_bytes(array(&e[17..21])),
            })
        })
        .collect::<Result<_, _>>()?;
    let mut samples = vec![0i16; n_samples];
    input
        .read_exact(sample_bytes_mut(&mut samples))
        .map_err(|_| malformed())?;
    if input.read(&mut tag).map_err(|_| malformed())? != 0 {
        return Err(malformed());
    }
    Ok(Collector { samples, events })
}

/// The first `N` bytes of `bytes` (which has at least `N`) as an array.
fn array<const N: usize>(bytes: &[u8]) -> [u8; N] {
    let mut out = [0; N];
    out.copy_from_slice(&bytes[..N]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_round_trip() {
        let voice = "en-us";
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
        let reply = |result| {
            let mut bytes = Vec::new();
            encode(result, &mut bytes).expect("writing to a Vec");
            bytes
        };
        let bytes = reply(Ok(collector));
        let back = decode(&mut &bytes[..], voice).expect("round trip");
        assert_eq!(back.samples, vec![1, -2, i16::MAX, i16::MIN]);
        assert_eq!(back.events[0].sample, 99);
        assert_eq!(back.events[0].kind, MarkKind::Sentence);
        for cut in 0..bytes.len() {
            assert!(decode(&mut &bytes[..cut], voice).is_err(), "{cut}");
        }
        let unknown = EngineError::UnknownVoice { voice: "x".into() };
        assert!(matches!(
            decode(&mut &reply(Err(unknown))[..], voice),
            Err(EngineError::UnknownVoice { voice }) if voice == "en-us"
        ));
        let failure = decode(&mut &reply(Err(failed("boom")))[..], voice);
        assert!(
            matches!(failure, Err(EngineError::Failed { message, .. }) if message.contains("boom"))
        );
    }
}
