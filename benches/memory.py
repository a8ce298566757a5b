#!/usr/bin/env python3
"""Peak memory of narrate on one long paragraph (issue 14): flat, whatever its length.

    python3 benches/memory.py [--sizes 10,100,1000] [--runs 3]

For each size (KB of text in ONE paragraph), a script is made of the sample's sentences,
each round of them preceded by a sentence of its own ("Round 12 begins."), all on one line.
narrate (release build, default settings: loudness, episode.mp3, episode.wav, listings,
read-along page, EPUB) narrates it into a fresh folder with the real espeak-ng; the peak
resident memory of the process (ru_maxrss of a fresh wrapper) is compared with the sample's,
alternating sample and long paragraph, and the median and range printed.

The sample's sentences repeat, and narrate speaks a sentence it has spoken once from its
cache: the engine's work is per sentence either way, so this measures what grows with a
paragraph: its audio (1 MB of text is about 16 hours), assembled, normalized, written and
encoded. Needs espeak-ng (scripts/setup --test) and `cargo build --release`. The 1 MB case
takes tens of minutes (LAME encodes 16 hours of episode).
"""
import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "narrate")
SAMPLE = os.path.join(ROOT, "script", "essay.txt")


def peak_mib(cmd):
    """Peak RSS in MiB of `cmd`, run in a fresh wrapper so that no earlier child counts."""
    wrapper = (
        "import resource,subprocess,sys;"
        "r=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.PIPE);"
        "sys.stderr.write(r.stderr.decode()) if r.returncode else None;"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)"
    )
    out = subprocess.run([sys.executable, "-c", wrapper, *cmd], capture_output=True, text=True)
    rss, rc = out.stdout.split()
    if rc != "0":
        sys.exit(f"failed: {' '.join(cmd)}\n{out.stderr}")
    return int(rss) / 1024


def long_paragraph(kb):
    """One line of about `kb` KB: rounds of the sample's sentences."""
    lines = [l.strip() for l in open(SAMPLE, encoding="utf-8") if any(c.isalpha() for c in l)]
    body = " ".join(lines[1:])  # the byline aside
    text, n = [], 0
    size = 0
    while size < kb * 1000:
        n += 1
        piece = f"Round {n} begins. {body}"
        text.append(piece)
        size += len(piece.encode()) + 1
    return " ".join(text) + "\n"


def run(script, work):
    out = os.path.join(work, "out")
    shutil.rmtree(out, ignore_errors=True)
    return peak_mib([BIN, "-q", script, "-o", out])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10,100,1000", help="KB of text in the paragraph")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    if not os.path.exists(BIN):
        sys.exit("build first: cargo build --release")
    print(f"{'script':<24} {'peak MiB (median)':>18} {'range':>16} {'vs sample':>10}")
    with tempfile.TemporaryDirectory() as work:
        sample = os.path.join(work, "essay.txt")
        shutil.copy(SAMPLE, sample)
        shutil.copy(os.path.join(ROOT, "script", "lexicon.toml"), work)
        for kb in [int(s) for s in args.sizes.split(",")]:
            script = os.path.join(work, f"long-{kb}.txt")
            open(script, "w", encoding="utf-8").write(long_paragraph(kb))
            base, peaks = [], []
            for _ in range(args.runs):  # alternating, so that drift hits both sides alike
                base.append(run(sample, work))
                peaks.append(run(script, work))
            b, p = statistics.median(base), statistics.median(peaks)
            print(f"{'sample':<24} {b:>18.1f} {min(base):>7.1f}-{max(base):<8.1f}")
            print(f"{f'one paragraph, {kb} KB':<24} {p:>18.1f} {min(peaks):>7.1f}-{max(peaks):<8.1f}"
                  f" {p - b:>+9.1f}")


if __name__ == "__main__":
    main()
