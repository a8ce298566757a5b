//! Named moments of a run where the end-to-end tests stop narrate, deterministically.
//!
//! Whether a run survives being killed between two steps cannot be tested by killing it
//! after a guessed delay. In debug builds (the ones the tests run), `NARRATE_TEST_KILL_AT`
//! names a moment at which the process kills itself as `kill -9` would (no destructor, no
//! clean-up), and `NARRATE_TEST_INTERRUPT_AT` one at which it behaves as if Ctrl-C had just
//! been pressed. Release builds compile the checks away.
//!
//! The moments: `placed` (a file was just renamed into the output folder), `before-commit`
//! (every file is in place, the manifest is not written yet), `after-commit`.
//!
//! Likewise `NARRATE_TEST_SPOOL_LIMIT` (samples) makes every paragraph spill to disk past
//! that many samples ([`spool_limit`]), so that the tests see a long paragraph's path on
//! the sample.

use std::sync::atomic::{AtomicBool, Ordering};

/// Set by Ctrl-C (see `commands::interrupt_flag`), or by `NARRATE_TEST_INTERRUPT_AT`.
pub static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Whether Ctrl-C was pressed.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Called at the moment `name`; see the module docs.
pub fn reached(name: &str) {
    #[cfg(debug_assertions)]
    {
        let is = |var: &str| std::env::var(var).is_ok_and(|v| v == name);
        if is("NARRATE_TEST_INTERRUPT_AT") {
            INTERRUPTED.store(true, Ordering::SeqCst);
        }
        if is("NARRATE_TEST_KILL_AT") {
            kill_self();
        }
    }
    #[cfg(not(debug_assertions))]
    let _ = name;
}

/// The in-memory bound of paragraph spools that `NARRATE_TEST_SPOOL_LIMIT` sets (debug
/// builds only).
pub fn spool_limit() -> Option<usize> {
    #[cfg(debug_assertions)]
    {
        std::env::var("NARRATE_TEST_SPOOL_LIMIT")
            .ok()
            .and_then(|v| v.parse().ok())
    }
    #[cfg(not(debug_assertions))]
    None
}

#[cfg(debug_assertions)]
fn kill_self() {
    #[cfg(unix)]
    // SAFETY: kill(2) with this process's own id and a valid signal number.
    unsafe {
        libc::kill(libc::getpid(), libc::SIGKILL);
    }
    std::process::abort();
}
