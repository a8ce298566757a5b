#!/usr/bin/env python3
"""narrate's benchmarks, in one run on one machine (a script, not timed tests).

    python3 benches/bench.py [--quick] [--episode-only]

1. narrate on the sample vs the bare `espeak-ng -w` CLI over the same 13 paragraphs
   (same voice, rate, pitch): ratio of wall times, goal <= 0.6 (every core speaks). Both do the same work
   (speech into one WAV per paragraph), so narrate runs with `--loudness off --no-episode`;
   the cost of loudness and the episode is measured on its own (the default build at most
   1.25x the --no-episode build).
2. The text stage (parse, segment, normalize, lexicon) as a share of synthesis, goal < 5 %.
3. Regeneration: a no-op rebuild of the sample (goal < 50 ms), a one-sentence edit (goal
   <= 5 % of a full build; beside it, the bare CLI speaking that sentence alone), also as
   `narrate watch` renders it, and a book-sized script
   (the sample 100 times with small edits, 1,300 paragraphs): full build time and peak
   memory, no-op rebuild, one-sentence edit.
4. The episode from segments, default settings: a one-sentence edit of the sample against
   its clean build (goal <= 10 %), and of the sample 20 times over (goal <= 2 %).
   `--episode-only` runs 1 and 4 alone.

Medians of several runs; needs espeak-ng (scripts/setup --test) and a release build.
"""
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QUICK = "--quick" in sys.argv
BIN = os.path.join(ROOT, "target", "release", "narrate")


def timed(cmd, **kw):
    """Wall seconds of one run, the child's peak RSS in MiB (a fresh wrapper each time), and
    its CPU seconds (user + system, its own children included)."""
    wrapper = (
        "import resource,subprocess,sys,time;t=time.perf_counter();"
        "r=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.PIPE);"
        "d=time.perf_counter()-t;u=resource.getrusage(resource.RUSAGE_CHILDREN);"
        "sys.stderr.write(r.stderr.decode()) if r.returncode else None;"
        "print(d, u.ru_maxrss, u.ru_utime + u.ru_stime, r.returncode)"
    )
    out = subprocess.run([sys.executable, "-c", wrapper, *cmd], capture_output=True, text=True, **kw)
    wall, rss, cpu, rc = out.stdout.split()
    if rc != "0":
        sys.exit(f"failed: {' '.join(cmd)}\n{out.stderr}")
    return float(wall), int(rss) / 1024, float(cpu)


def cpu_seconds():
    """CPU seconds used so far by this script's finished children."""
    u = resource.getrusage(resource.RUSAGE_CHILDREN)
    return u.ru_utime + u.ru_stime


def median(f, n):
    return statistics.median(f() for _ in range(n))


def watch_edits(original, work, runs):
    """Median time of a one-sentence edit as `narrate watch` renders it, read from its summary
    line ("in 41 ms"): from planning to the committed manifest, after the debounce."""
    script = os.path.join(work, "watched.txt")
    open(script, "w", encoding="utf-8").write(original)
    watch = subprocess.Popen([BIN, "watch", script, "-o", os.path.join(work, "watch-out"),
                              "--no-episode"], stderr=subprocess.PIPE, text=True)

    def next_run():
        for line in watch.stderr:
            m = re.match(r"narrated .* in ([\d.]+) (ms|s) ", line)
            if m:
                return float(m.group(1)) / (1000 if m.group(2) == "ms" else 1)
            if line.startswith("narrate: error"):
                sys.exit(line)
        sys.exit("narrate watch ended early")

    try:
        next_run()  # the first, clean build
        times = []
        for i in range(runs):
            open(script, "w", encoding="utf-8").write(
                original.replace("The genie cannot", f"The genie {'truly ' * (i + 1)}cannot"))
            times.append(next_run())
        return statistics.median(times)
    finally:
        watch.terminate()
        watch.wait()


def paragraphs(path):
    lines = [l.strip() for l in open(path, encoding="utf-8")]
    return [l for l in lines if re.search(r"\w", l)]


def main():
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    sample = os.path.join(ROOT, "script", "essay.txt")
    runs = 3 if QUICK else 7
    work = tempfile.mkdtemp(prefix="narrate-bench-")
    try:
        # 1. narrate vs the bare engine CLI.
        paras = paragraphs(sample)

        cpu = {"bare": [], "core": [], "loud": [], "full": []}

        def bare():
            t, c = time.perf_counter(), cpu_seconds()
            for i, p in enumerate(paras):
                subprocess.run(["espeak-ng", "-v", "en-us", "-s", "175", "-p", "50", "-w",
                                os.path.join(work, f"bare-{i:02}.wav"), p], check=True)
            cpu["bare"].append(cpu_seconds() - c)
            return time.perf_counter() - t

        def clean(key, *flags):
            out = os.path.join(work, "clean")
            shutil.rmtree(out, ignore_errors=True)
            wall, _, used = timed([BIN, sample, "-o", out, "-q", *flags])
            cpu[key].append(used)
            return wall

        # Round by round, so that the machine's drift weighs on every variant alike.
        rounds = {"bare": [], "core": [], "loud": [], "full": []}
        for _ in range(runs):
            rounds["bare"].append(bare())
            rounds["core"].append(clean("core", "--loudness", "off", "--no-episode"))
            rounds["loud"].append(clean("loud", "--no-episode"))
            rounds["full"].append(clean("full"))
        t_bare, t_core, t_loud, t_narrate = (statistics.median(rounds[k]) for k in rounds)
        c_bare, c_core, c_loud, c_full = (statistics.median(cpu[k]) * 1000 for k in cpu)
        print(f"CPU time (median, ms): bare espeak-ng {c_bare:.0f}, --loudness off --no-episode "
              f"{c_core:.0f}, --no-episode {c_loud:.0f}, default {c_full:.0f}. On {os.cpu_count()} "
              f"cores a run takes at least its CPU time / {os.cpu_count()}: the floors of the "
              f"ratios below are {c_core / os.cpu_count() / c_bare:.2f} (against the bare CLI, "
              f"which uses one core) and {c_full / c_loud:.2f} (default against --no-episode, "
              f"both on every core)")
        spread = lambda k: f"{min(rounds[k])*1000:.0f}-{max(rounds[k])*1000:.0f}"
        print(f"sample, clean build, --loudness off --no-episode: narrate {t_core*1000:.0f} ms "
              f"({spread('core')}), bare espeak-ng -w over {len(paras)} paragraphs "
              f"{t_bare*1000:.0f} ms ({spread('bare')}): ratio {t_core/t_bare:.2f} (goal <= 0.6)")
        print(f"sample, podcast finishing: loudness +{(t_loud-t_core)*1000:.0f} ms, episode (MP3) "
              f"+{(t_narrate-t_loud)*1000:.0f} ms: default build {t_narrate*1000:.0f} ms "
              f"({spread('full')}) = {t_narrate/t_loud:.2f}x the --no-episode build "
              f"{t_loud*1000:.0f} ms ({spread('loud')}) (goal <= 1.25x)")
        if "--episode-only" in sys.argv:
            episode_goals(sample, work, runs, t_narrate)
            return

        # 2. Text stage share.
        text = subprocess.run(["cargo", "bench", "--quiet", "--bench", "text"], cwd=ROOT,
                              capture_output=True, text=True, check=True).stdout
        ms = float(re.search(r"([\d.]+) ms per sample", text).group(1))
        print(f"text stage: {ms:.3f} ms per sample = {100*ms/(t_narrate*1000):.2f} % of a clean build (goal < 5 %)")

        # 3. Regeneration of the sample (paragraph files and listings; an edit also re-encodes
        # the whole episode, whose cost is measured above).
        out = os.path.join(work, "inc")
        shutil.rmtree(out, ignore_errors=True)
        regen = ["-q", "--no-episode"]
        timed([BIN, sample, "-o", out, *regen])
        noop = median(lambda: timed([BIN, sample, "-o", out, *regen])[0], runs)
        print(f"sample, no-op rebuild: {noop*1000:.1f} ms (goal < 50 ms)")
        edit_script = os.path.join(work, "essay.txt")
        original = open(sample, encoding="utf-8").read()
        edits = []
        for i in range(runs):
            open(edit_script, "w", encoding="utf-8").write(
                original.replace("The genie cannot", f"The genie {'really ' * (i + 1)}cannot"))
            if i == 0:
                timed([BIN, edit_script, "-o", out, *regen])  # the manifest now names this script
                open(edit_script, "w", encoding="utf-8").write(original.replace("The genie cannot", "The genie still cannot"))
            edits.append(timed([BIN, edit_script, "-o", out, *regen])[0])
        edit = statistics.median(edits)
        print(f"sample, one-sentence edit: {edit*1000:.0f} ms = {100*edit/t_loud:.1f} % of a clean build (goal <= 5 %)")
        sentence = "The genie really cannot be put back into the bottle."
        alone = median(lambda: timed(["espeak-ng", "-v", "en-us", "-w",
                                      os.path.join(work, "sentence.wav"), sentence])[0], runs)
        print(f"  (for scale: `espeak-ng -w` speaking that one sentence alone: {alone*1000:.0f} ms)")
        w_edit = watch_edits(original, work, runs)
        print(f"sample, one-sentence edit in `narrate watch`: {w_edit*1000:.0f} ms = "
              f"{100*w_edit/t_loud:.1f} % of a clean build (engine and text rules already loaded)")

        # Book: the sample 100 times with small edits.
        book = os.path.join(work, "book.txt")
        with open(book, "w", encoding="utf-8") as f:
            for copy in range(100):
                for j, p in enumerate(paras):
                    f.write(p.replace("North Korea", f"North Korea ({copy}.{j})", 1) + "\n\n")
        bout = os.path.join(work, "book-out")
        # The book without episode files (they would be 2.4 GB of WAV); loudness stays on.
        t_book, rss_book = timed([BIN, book, "-o", bout, "-q", "--no-episode"])
        n_book = len(paras) * 100
        print(f"book ({n_book} paragraphs), clean build: {t_book:.1f} s, peak memory {rss_book:.0f} MiB")
        t_sample_rss = timed([BIN, sample, "-o", os.path.join(work, "rss"), "-q"])[1]
        print(f"  (sample clean build peak memory: {t_sample_rss:.0f} MiB)")
        b_noop = median(lambda: timed([BIN, book, "-o", bout, "-q", "--no-episode"])[0], 3)
        print(f"book, no-op rebuild: {b_noop*1000:.0f} ms")
        text = open(book, encoding="utf-8").read()
        open(book, "w", encoding="utf-8").write(text.replace("The genie cannot", "The genie never can", 1))
        b_edit = timed([BIN, book, "-o", bout, "-q", "--no-episode"])[0]
        print(f"book, one-sentence edit: {b_edit*1000:.0f} ms = {100*b_edit/t_book:.2f} % of its full build")
        episode_goals(sample, work, runs, t_narrate)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def one_sentence_edits(script, out, runs, flags=()):
    """Median time of `runs` one-sentence edits of `script` (a copy is edited), each built
    into `out` with `flags`, after a first build of the copy; their range; their median CPU
    time."""
    original = open(script, encoding="utf-8").read()
    copy = os.path.join(os.path.dirname(out), os.path.basename(out) + "-script.txt")
    open(copy, "w", encoding="utf-8").write(original)
    timed([BIN, copy, "-o", out, "-q", *flags])
    times, cpus = [], []
    for i in range(runs):
        open(copy, "w", encoding="utf-8").write(
            original.replace("The genie cannot", f"The genie {'really ' * (i + 1)}cannot", 1))
        wall, _, used = timed([BIN, copy, "-o", out, "-q", *flags])
        times.append(wall)
        cpus.append(used)
    return statistics.median(times), min(times), max(times), statistics.median(cpus)


def episode_goals(sample, work, runs, t_narrate):
    """Default settings (the episode on): a one-sentence edit against a clean build, on the
    sample and on the sample 20 times over (1 h 33 min)."""
    edit, lo, hi, c_edit = one_sentence_edits(sample, os.path.join(work, "ep-sample"), runs)
    print(f"sample, default settings, one-sentence edit: {edit*1000:.0f} ms ({lo*1000:.0f}-"
          f"{hi*1000:.0f}) = {100*edit/t_narrate:.1f} % of the clean default build (goal <= 10 %); "
          f"CPU time {c_edit*1000:.0f} ms")
    long = os.path.join(work, "essay20.txt")
    paras = paragraphs(sample)
    with open(long, "w", encoding="utf-8") as f:
        for copy in range(20):
            for p in paras:
                f.write((p if copy == 0 else p.replace(".", f" (part {copy}).", 1)) + "\n")
    cleans, c_cleans = [], []
    for _ in range(max(1, runs // 3)):
        out = os.path.join(work, "ep-long-clean")
        shutil.rmtree(out, ignore_errors=True)
        wall, _, used = timed([BIN, long, "-o", out, "-q"])
        cleans.append(wall)
        c_cleans.append(used)
    t_long = statistics.median(cleans)
    edit, lo, hi, c_edit = one_sentence_edits(long, os.path.join(work, "ep-long"), runs)
    print(f"sample x20 ({20 * len(paras)} paragraphs), default settings: clean build "
          f"{t_long:.1f} s ({min(cleans):.1f}-{max(cleans):.1f}), CPU time "
          f"{statistics.median(c_cleans):.1f} s; one-sentence edit "
          f"{edit*1000:.0f} ms ({lo*1000:.0f}-{hi*1000:.0f}) = {100*edit/t_long:.2f} % "
          f"(goal <= 2 %), CPU time {c_edit*1000:.0f} ms")


if __name__ == "__main__":
    main()
