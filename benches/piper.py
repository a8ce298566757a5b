#!/usr/bin/env python3
"""narrate's Piper engine against the reference piper-tts, in one run on one machine.

    python3 benches/piper.py [--paragraphs N]     (default: the sample's first 5 paragraphs)

Both speak the same paragraphs of the sample with the same voice file (en_US-joe-medium,
installed by `scripts/get-piper joe`) and the voice's own scales, each as a whole process
from start to last file written (model loading included):

- narrate: `narrate --engine piper --loudness off --no-episode` (the same work as the
  reference: one WAV per paragraph) on a script of those paragraphs, into an empty folder
  with an empty cache (release build);
- reference: piper-tts 1.8.0, pip-installed into a virtual environment by this script, in
  one Python process that loads the voice and writes one WAV per paragraph.

Real-time factor = wall seconds / seconds of speech produced. narrate's speech is the sum of
its sentences (from its manifest), so the pauses it adds between sentences do not flatter it.
Goal: narrate / reference <= 1.0.
"""
import json
import os
import subprocess
import sys
import tempfile
import time
import wave

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target")
BIN = os.path.join(TARGET, "release", "narrate")
DATA = os.path.join(os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share"), "narrate")
MODEL = os.path.join(DATA, "voices", "en_US-joe-medium", "en_US-joe-medium.onnx")
VENV = os.path.join(tempfile.gettempdir(), "narrate-bench-piper-tts-1.8.0")

REFERENCE = r"""
import sys, time, wave
t0 = time.perf_counter()
from piper import PiperVoice
model, out, paragraphs = sys.argv[1], sys.argv[2], sys.argv[3:]
voice = PiperVoice.load(model)
frames = 0
for i, text in enumerate(paragraphs):
    with wave.open(f"{out}/ref-{i:02}.wav", "wb") as w:
        voice.synthesize_wav(text, w)
        frames += w.getnframes()
print(time.perf_counter() - t0, frames / voice.config.sample_rate)
"""


def paragraphs(n):
    lines = [l.strip() for l in open(os.path.join(ROOT, "script", "essay.txt"), encoding="utf-8")]
    return [l for l in lines if sum(c.isalpha() for c in l) > 20][:n]


def venv_python():
    py = os.path.join(VENV, "bin", "python")
    if not os.path.exists(py):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
        subprocess.run([py, "-m", "pip", "install", "--quiet", "piper-tts==1.8.0"], check=True)
    return py


def main():
    n = int(sys.argv[sys.argv.index("--paragraphs") + 1]) if "--paragraphs" in sys.argv else 5
    if not os.path.exists(MODEL):
        sys.exit(f"no voice at {MODEL}: run scripts/get-piper joe")
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    paras = paragraphs(n)
    py = venv_python()
    with tempfile.TemporaryDirectory(prefix="narrate-bench-piper-") as work:
        script = os.path.join(work, "paragraphs.txt")
        with open(script, "w", encoding="utf-8") as f:
            f.write("\n\n".join(paras) + "\n")
        out = os.path.join(work, "narrate")
        t = time.perf_counter()
        subprocess.run([BIN, script, "-o", out, "-q", "--engine", "piper", "--voice", MODEL,
                        "--loudness", "off", "--no-episode"], check=True)
        t_narrate = time.perf_counter() - t
        manifest = json.load(open(os.path.join(out, ".narrate", "manifest.json")))
        rate = manifest["sample_rate"]
        speech = sum(s["end"] - s["start"] for p in manifest["paragraphs"] for s in p["sentences"]) / rate

        ref_out = os.path.join(work, "reference")
        os.mkdir(ref_out)
        t = time.perf_counter()
        r = subprocess.run([py, "-c", REFERENCE, MODEL, ref_out, *paras], check=True,
                           capture_output=True, text=True)
        t_ref = time.perf_counter() - t
        _, ref_audio = map(float, r.stdout.split())

    rtf_narrate = t_narrate / speech
    rtf_ref = t_ref / ref_audio
    print(f"{len(paras)} paragraphs, en_US-joe-medium, {os.cpu_count()} cores")
    print(f"narrate --engine piper: {t_narrate:.2f} s for {speech:.1f} s of speech: RTF {rtf_narrate:.3f}")
    print(f"piper-tts 1.8.0:        {t_ref:.2f} s for {ref_audio:.1f} s of speech: RTF {rtf_ref:.3f}")
    print(f"ratio narrate / reference: {rtf_narrate / rtf_ref:.2f} (goal <= 1.0)")


if __name__ == "__main__":
    main()
