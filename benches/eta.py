#!/usr/bin/env python3
"""The progress bar's time left against the time that was left (a script, not a timed test).

    python3 benches/eta.py [--bin PATH] [--copies 20]

Narrates the sample essay 20 times over (every sentence made unique, so nothing comes from
the cache) into a fresh folder, under a pseudo-terminal so that the progress bar is drawn,
and records each "m:ss left" the bar shows with when it showed it. The time that was
actually left is the moment narrate exited minus that moment (what a user waits for;
the finishing after the last paragraph is handed on is printed on its own). Goal: every
estimate within 30 % once the first tenth of the run is over. Prints a sample of the
estimates, the worst error between the first and the last tenth, and the worst after the
first tenth (the last seconds miss the work still in flight, a few seconds). Needs espeak-ng and a build
(target/release/narrate by default).
"""
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def arg(name, default):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


BIN = arg("--bin", os.path.join(ROOT, "target", "release", "narrate"))
COPIES = int(arg("--copies", "20"))
LEFT = re.compile(rb"narrating (\d+)/(\d+) paragraphs.*?(?:(\d+):)?(\d+):(\d\d) left")


def long_script(path):
    lines = [l.strip() for l in open(os.path.join(ROOT, "script", "essay.txt"), encoding="utf-8")]
    paras = [l for l in lines if re.search(r"\w", l)]
    with open(path, "w", encoding="utf-8") as f:
        for copy in range(COPIES):
            for p in paras:
                # Every sentence its own: no piece comes from the cache.
                text = re.sub(r"([.!?])(\s|$)", lambda m: f" ({copy}){m.group(1)}{m.group(2)}", p)
                f.write(text + "\n\n")


def main():
    work = tempfile.mkdtemp(prefix="narrate-eta-")
    try:
        script = os.path.join(work, "long.txt")
        long_script(script)
        master, slave = pty.openpty()
        start = time.monotonic()
        child = subprocess.Popen([BIN, script, "-o", os.path.join(work, "out")],
                                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=slave, close_fds=True)
        os.close(slave)
        shown = []  # (seconds since start, sentences done, of, seconds left shown)
        buf = b""
        last_bar = start
        while True:
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                if child.poll() is not None:
                    break
                continue
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            now = time.monotonic() - start
            buf += data
            for frame in re.split(rb"[\r\n]", buf)[:-1]:
                m = LEFT.search(frame)
                if m:
                    h, mnt, s = int(m.group(3) or 0), int(m.group(4)), int(m.group(5))
                    shown.append((now, int(m.group(1)), int(m.group(2)), h * 3600 + mnt * 60 + s))
                if b"narrating" in frame:
                    last_bar = now
            buf = re.split(rb"[\r\n]", buf)[-1]
        child.wait()
        end = time.monotonic() - start
        if child.returncode != 0:
            sys.exit(f"narrate failed with {child.returncode}")
        if not shown:
            sys.exit("the bar showed no estimate")
        spoken_at = max(last_bar, shown[-1][0])
        speaking = spoken_at - shown[0][0]
        print(f"sample x{COPIES}: {shown[-1][2]} paragraphs assembled in {spoken_at:.1f} s, run "
              f"{end:.1f} s ({end - spoken_at:.1f} s after the bar); {len(shown)} estimates")
        print(f"{'at s':>7} {'done':>9} {'shown s':>8} {'left s':>7} {'error':>7}")
        worst, middle, worst_at = 0.0, 0.0, None
        # The bar shows whole seconds (rounded up), so with a few seconds left the display
        # alone is that far off: also the worst error where the bar's one-second step is
        # under a third of the time left.
        resolved = 0.0
        step = max(1, len(shown) // 20)
        for i, (t, done, of, left) in enumerate(shown):
            actual = end - t
            after_tenth = t - shown[0][0] >= speaking / 10 and actual >= 1.0
            error = (left - actual) / actual if actual > 0 else 0.0
            if after_tenth:
                if abs(error) > worst:
                    worst, worst_at = abs(error), (t, left, actual)
                if actual >= 3.0:
                    resolved = max(resolved, abs(error))
                if actual >= (end - shown[0][0]) / 10:
                    middle = max(middle, abs(error))
            if i % step == 0:
                print(f"{t:7.1f} {done:>4}/{of:<4} {left:8d} {actual:7.1f} {100*error:+6.0f} %"
                      f"{'' if after_tenth else '  (first tenth)'}")
        print(f"worst error between the first and the last tenth: {100*middle:.0f} %; after the "
              f"first tenth with 3 s or more left (the bar's one-second step under a third of "
              f"it): {100*resolved:.0f} % (goal <= 30 %); with a second or more left: "
              f"{100*worst:.0f} %" + (f" (at {worst_at[0]:.1f} s: {worst_at[1]} s shown, "
                                       f"{worst_at[2]:.1f} s left)" if worst_at else ""))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
