#!/usr/bin/env bash
# SIP load against the example recorder: SIPp plays an SBC forking SIPREC calls without media
# (benchmarks/sipp/siprec_call.xml: multipart INVITE, 200, ACK, BYE, 200; a 503 ends a call as
# refused). Everything on 127.0.0.1. One line per step:
#   LOAD rate=300 secs=20 calls=6000 ok=6000 refused=0 retrans=0 elapsed_s=20.1 goodput_cps=299
#        recorder_cpu_ms_per_call=1.2
#
#   benchmarks/sip-load.sh "100 300 600" [SECONDS] [-- RECORDER OPTIONS...]
#
# Needs the example jar (mvn -B -q -DskipTests package) and SIPp (installed from Debian's
# sip-tester when missing and run as root). The recorder's CPU is read from /proc (all its
# threads: event loops, delivery, JIT, GC), so early steps include warm-up.
set -euo pipefail
cd "$(dirname "$0")/.."
rates="${1:-100 300 600}"
secs="${2:-20}"
shift $(( $# > 2 ? 2 : $# )) || true
[ "${1:-}" = "--" ] && shift
jar=siprec-examples/target/siprec-examples.jar
[ -f "$jar" ] || { echo "build first: mvn -B -q -DskipTests package" >&2; exit 2; }
if ! command -v sipp >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sip-tester >/dev/null
fi
work=$(mktemp -d)
# recordings go to memory (tmpfs) when there is one: this measures the recorder, not the disk
recdir=${SIPLOAD_OUT:-$( [ -d /dev/shm ] && [ -w /dev/shm ] && mktemp -d /dev/shm/sipload.XXXXXX || echo "$work")}
trap 'rm -rf "$work" "$recdir"' EXIT
port=5070
for rate in $rates; do
  mkdir -p "$recdir/rec-$rate"
  java -jar "$jar" --bind 127.0.0.1 --sip-port $port --rtp-ports 30000-39999 --out "$recdir/rec-$rate" "$@" \
      > "$work/recorder-$rate.log" 2>&1 &
  recorder=$!
  for _ in $(seq 50); do grep -q listening "$work/recorder-$rate.log" 2>/dev/null && break; sleep 0.2; done
  before=$(awk '{print $14+$15}' /proc/$recorder/stat)
  t0=$(date +%s.%N)
  sipp 127.0.0.1:$port -sf benchmarks/sipp/siprec_call.xml -i 127.0.0.1 -p 5091 -mp 26000 \
      -r "$rate" -m $((rate * secs)) -l 100000 -d 0 -nostdin -timeout $((secs * 3 + 60))s \
      -trace_stat -stf "$work/uac-$rate.csv" -fd 1 >/dev/null 2>"$work/sipp-$rate.log" || true
  after=$(awk '{print $14+$15}' /proc/$recorder/stat)
  t1=$(date +%s.%N)
  kill $recorder; wait $recorder 2>/dev/null || true
  python3 - "$rate" "$secs" $((after - before)) "$work/uac-$rate.csv" "$t0" "$t1" <<'PY'
import csv, os, sys
rate, secs, ticks, stats = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
elapsed = float(sys.argv[6]) - float(sys.argv[5])
rows = [r for r in csv.reader(open(stats), delimiter=";") if r]
last = dict(zip(rows[0], rows[-1]))
get = lambda k: int(float(last.get(k, "0") or 0))
calls = get("OutgoingCall(C)")
ms = ticks * 1000.0 / os.sysconf("SC_CLK_TCK") / max(1, calls)
ok = get('SuccessfulCall(C)')
print(f"LOAD rate={rate} secs={secs} calls={calls} ok={ok} refused={get('FailedCall(C)')} "
      f"retrans={get('Retransmissions(C)')} elapsed_s={elapsed:.1f} goodput_cps={ok / elapsed:.0f} "
      f"recorder_cpu_ms_per_call={ms:.2f}")
PY
done
