#!/usr/bin/env python3
"""Two narrate binaries on the same work, alternating, in one run (a regression check).

    python3 benches/compare.py OLD_BINARY NEW_BINARY [--runs N] [--script FILE] [-- ARGS...]

For each binary, with default settings (episode on) unless ARGS say otherwise: a clean build
of the script, a no-op rebuild, and a one-sentence edit (the first sentence of the middle
paragraph changed, then changed back). The binaries take turns run by run (old, new, new,
old, ...), so drift of a shared machine falls on both. Prints, per case, the median wall
time and peak RSS of each with the range, and new/old.

Build the old binary from a commit with, e.g.:
    git worktree add /tmp/old <commit> && cargo build --release --manifest-path /tmp/old/Cargo.toml
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import timed  # noqa: E402  (wall time and peak RSS of one run, as bench.py measures)


def edited(text):
    """The script with the first sentence of its middle paragraph changed."""
    lines = text.split("\n")
    spoken = [i for i, l in enumerate(lines) if len(l.split()) > 8]
    i = spoken[len(spoken) // 2]
    lines[i] = "An edited opening sentence, said once. " + lines[i]
    return "\n".join(lines)


def one_round(binary, script, extra, work):
    """The three cases for one binary in a fresh folder: {case: (wall, rss)}."""
    folder = tempfile.mkdtemp(dir=work)
    copy = os.path.join(folder, "script.txt")
    original = open(script, encoding="utf-8").read()
    open(copy, "w", encoding="utf-8").write(original)
    cmd = [binary, copy, "-o", os.path.join(folder, "out"), "-q", *extra]
    result = {"clean build": timed(cmd), "no-op rebuild": timed(cmd)}
    open(copy, "w", encoding="utf-8").write(edited(original))
    result["one-sentence edit"] = timed(cmd)
    shutil.rmtree(folder)
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--script", default=os.path.join(ROOT, "script", "essay.txt"))
    parser.add_argument("extra", nargs="*", help="arguments for both binaries, after --")
    args = parser.parse_args()
    sides = {"old": args.old, "new": args.new}
    results = {"old": [], "new": []}
    work = tempfile.mkdtemp(prefix="narrate-compare-")
    try:
        # Warm the disk cache and the engine's data once for each side.
        for binary in sides.values():
            one_round(binary, args.script, args.extra, work)
        order = ["old", "new"]
        for run in range(args.runs):
            for side in (order if run % 2 == 0 else order[::-1]):
                results[side].append(one_round(sides[side], args.script, args.extra, work))
    finally:
        shutil.rmtree(work)
    print(f"{args.runs} alternated runs each; script {os.path.relpath(args.script)}; "
          f"arguments: {' '.join(args.extra) or '(defaults)'}")
    print(f"{'case':<20} {'old wall ms':>22} {'new wall ms':>22} {'new/old':>8} "
          f"{'old MiB':>18} {'new MiB':>18}")
    for case in results["old"][0]:
        row = []
        for side in ("old", "new"):
            walls = [r[case][0] * 1000 for r in results[side]]
            rss = [r[case][1] for r in results[side]]
            row.append((statistics.median(walls), min(walls), max(walls),
                        statistics.median(rss), min(rss), max(rss)))
        (ow, owl, owh, orss, orl, orh), (nw, nwl, nwh, nrss, nrl, nrh) = row
        print(f"{case:<20} {ow:>8.0f} ({owl:.0f}-{owh:.0f}) {nw:>8.0f} ({nwl:.0f}-{nwh:.0f}) "
              f"{nw / ow:>8.2f} {orss:>6.1f} ({orl:.1f}-{orh:.1f}) {nrss:>6.1f} ({nrl:.1f}-{nrh:.1f})")


if __name__ == "__main__":
    main()
