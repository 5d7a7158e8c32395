#!/usr/bin/env bash
# Regenerates the G.726-32 reference vectors in ../resources/g726 with Debian's spandsp (the
# oracle), from two inputs made here: a speech-like signal (tones sweeping in pitch and level,
# noise, silence, full-scale bursts) and a stream of random codewords (every code, in every
# state). Needs gcc, python3 and libspandsp-dev.
set -euo pipefail
cd "$(dirname "$0")"
out=../resources/g726
gcc -O2 -o /tmp/g726_ref g726_ref.c -lspandsp
python3 - "$out" <<'PY'
import math, random, struct, sys
out = sys.argv[1]
random.seed(726)
pcm = []
for i in range(8000 * 4):
    t = i / 8000
    seg = int(t)
    if seg == 0:   # a vowel-like sweep, rising level
        v = 9000 * min(1, t * 2) * (math.sin(2 * math.pi * (150 + 100 * t) * t) + 0.5 * math.sin(2 * math.pi * 900 * t))
    elif seg == 1: # noise at -20 dBov, then silence
        v = random.gauss(0, 3000) if t < 1.6 else 0
    elif seg == 2: # full scale bursts (clipping, fast adaptation)
        v = 32767 * (1 if (i // 40) % 2 else -1) if t < 2.3 else 20000 * math.sin(2 * math.pi * 3400 * t)
    else:          # DTMF-like pair (tone detector of the predictor)
        v = 8000 * (math.sin(2 * math.pi * 770 * t) + math.sin(2 * math.pi * 1336 * t))
    pcm.append(max(-32768, min(32767, int(v))))
open(out + "/signal.s16", "wb").write(struct.pack("<%dh" % len(pcm), *pcm))
open(out + "/random.codes", "wb").write(bytes(random.randrange(16) for _ in range(8000 * 2)))
PY
/tmp/g726_ref encode "$out/signal.s16" "$out/signal.codes"
/tmp/g726_ref decode "$out/signal.codes" "$out/signal.spandsp.s16"
/tmp/g726_ref decode "$out/random.codes" "$out/random.spandsp.s16"
rm "$out/signal.s16" # the codes and their decode are the vectors
ls -l "$out"
