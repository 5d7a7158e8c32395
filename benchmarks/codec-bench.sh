#!/usr/bin/env bash
# Decoder speed, this project's Java decoders (G.722, G.729) against the C references, in one run on the
# same input. Needs the project kit beside the checkout (../shared) and its C harness's
# libraries (apt-get install libspandsp2 libbcg729-0 libopus0). Run from the checkout:
#   mvn -B -q -DskipTests package && benchmarks/codec-bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
kit=../shared/codec-reference
[ -x "$kit/bin/bench" ] || { echo "the project kit ($kit) is needed for the C reference" >&2; exit 2; }
echo "== C reference (spandsp G.722 mode 1), 3 runs of 20 passes over 60 s"
for i in 1 2 3; do "$kit/bin/bench" g722 "$kit/ref/g722/speech60_16k.g722" 1 20; done
echo "== Java (JMH), same file"
java -Dsiprec.g722="$kit/ref/g722/speech60_16k.g722" -jar benchmarks/target/benchmarks.jar G722Decoder -prof gc \
  -jvmArgsAppend -Dsiprec.g722="$kit/ref/g722/speech60_16k.g722" 2>&1 | grep -E "^G722|Result"
echo "== C reference again, after the Java run"
for i in 1 2 3; do "$kit/bin/bench" g722 "$kit/ref/g722/speech60_16k.g722" 1 20; done
echo "== C reference (bcg729 G.729A+B), 3 runs of 20 passes over 60 s, without and with VAD/DTX"
for s in novad vad; do for i in 1 2 3; do "$kit/bin/bench" g729 "$kit/ref/g729/speech60_8k_$s.g729" "$kit/ref/g729/speech60_8k_$s.sizes" 20; done; done
echo "== Java (JMH), same files"
java -jar benchmarks/target/benchmarks.jar G729Decoder -prof gc -jvmArgsAppend -Dsiprec.g729="$kit/ref/g729" 2>&1 | grep -E "^G729"
echo "== C reference again, after the Java run"
for s in novad vad; do for i in 1 2 3; do "$kit/bin/bench" g729 "$kit/ref/g729/speech60_8k_$s.g729" "$kit/ref/g729/speech60_8k_$s.sizes" 20; done; done
opus_streams="silk_nb_20ms_vbr_6k:1 silk_wb_20ms_fec_24k:1 st_silk_wb_20ms_vbr_32k:2 celt_fb_20ms_vbr_128k:1
  hybrid_fb_20ms_fec_48k:1 st_celt_fb_10ms_cbr_96k:2 st_hybrid_fb_20ms_vbr_64k:2"
echo "== C reference (libopus 1.3.1), Opus streams decoded at 48 kHz, 3 runs of 20 passes"
for s in $opus_streams; do
  for i in 1 2 3; do "$kit/bin/bench" opus "$kit/ref/opus/${s%:*}.bit" 48000 "${s#*:}" 20; done
done
echo "== Java (JMH): this project's OpusDecoder and Concentus 1.0.2, same packets"
java -jar benchmarks/target/benchmarks.jar OpusDecoderBenchmark -prof gc -jvmArgsAppend -Dsiprec.opus="$kit/ref/opus" 2>&1 | grep -E "^OpusDecoder"
echo "== C reference again, after the Java run"
for s in $opus_streams; do
  for i in 1 2 3; do "$kit/bin/bench" opus "$kit/ref/opus/${s%:*}.bit" 48000 "${s#*:}" 20; done
done
