#!/usr/bin/env bash
# SIP load against the example recorder: SIPp plays an SBC forking SIPREC calls without media
# (benchmarks/sipp/siprec_call.xml: multipart INVITE, 200, ACK, BYE, 200; a 503 ends a call as
# refused). Everything on 127.0.0.1, SIPp and the recorder on the same machine. One recorder
# serves the whole run, as a production one would: a warm-up step (JIT), then one step per
# rate, then the overload step at twice the last rate, then the anchor: SIPp against SIPp's own
# UAS with the same scenario and rate, measured in the same run. One line per step:
#   LOAD rate=1000 secs=20 calls=20000 ok=20000 refused=0 retrans=0 elapsed_s=20.0 goodput_cps=1000
#        recorder_cpu_us_per_call=180
#
#   benchmarks/sip-load.sh "1000 2000" [SECONDS] [-- RECORDER OPTIONS...]
#   SIPLOAD_WARMUP="300 15" (rate, seconds; "0 0" for none)  SIPLOAD_OVERLOAD=0 (skip the 2x step)
#   SIPLOAD_ANCHOR=0 (skip the anchor)  SIPLOAD_OUT=DIR (recordings; default a tmpfs directory)
#
# Needs the example jar (mvn -B -q -DskipTests package) and SIPp (installed from Debian's
# sip-tester when missing and run as root). The recorder's CPU is read from /proc (all its
# threads: event loops, delivery, JIT, GC) before and after each step.
set -euo pipefail
cd "$(dirname "$0")/.."
rates="${1:-1000 2000}"
secs="${2:-20}"
shift $(( $# > 2 ? 2 : $# )) || true
[ "${1:-}" = "--" ] && shift
read -r warm_rate warm_secs <<< "${SIPLOAD_WARMUP:-300 15}"
jar=siprec-examples/target/siprec-examples.jar
[ -f "$jar" ] || { echo "build first: mvn -B -q -DskipTests package" >&2; exit 2; }
if ! command -v sipp >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sip-tester >/dev/null
fi
work=$(mktemp -d)
# recordings go to memory (tmpfs) when there is one: this measures the recorder, not the disk
recdir=${SIPLOAD_OUT:-$( [ -d /dev/shm ] && [ -w /dev/shm ] && mktemp -d /dev/shm/sipload.XXXXXX || echo "$work")}
recorder=""
cleanup() { [ -n "$recorder" ] && kill "$recorder" 2>/dev/null; rm -rf "$work" "$recdir"; }
trap cleanup EXIT
port=5070

# step NAME RATE SECONDS TARGET_PORT CPU_PID: runs SIPp, prints the step's line
step() {
  local name=$1 rate=$2 s=$3 target=$4 pid=$5
  local before=0 after=0
  [ -n "$pid" ] && before=$(awk '{print $14+$15}' /proc/$pid/stat)
  local t0 t1
  t0=$(date +%s.%N)
  sipp 127.0.0.1:$target -sf benchmarks/sipp/siprec_call.xml -i 127.0.0.1 -p 5091 -mp 26000 \
      -r "$rate" -m $((rate * s)) -l 100000 -d 0 -nostdin -timeout $((s * 3 + 60))s \
      -trace_stat -stf "$work/uac-$name-$rate.csv" -fd 1 >/dev/null 2>"$work/sipp-$name-$rate.log" || true
  t1=$(date +%s.%N)
  [ -n "$pid" ] && after=$(awk '{print $14+$15}' /proc/$pid/stat)
  python3 - "$name" "$rate" "$s" $((after - before)) "$work/uac-$name-$rate.csv" "$t0" "$t1" <<'PY'
import csv, os, sys
name, rate, secs, ticks, stats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
elapsed = float(sys.argv[7]) - float(sys.argv[6])
rows = [r for r in csv.reader(open(stats), delimiter=";") if r]
last = dict(zip(rows[0], rows[-1]))
get = lambda k: int(float(last.get(k, "0") or 0))
calls = get("OutgoingCall(C)")
ok = get('SuccessfulCall(C)')
cpu = f" recorder_cpu_us_per_call={ticks * 1e6 / os.sysconf('SC_CLK_TCK') / max(1, calls):.0f}" if name != "ANCHOR" else ""
print(f"{name} rate={rate} secs={secs} calls={calls} ok={ok} refused={get('FailedCall(C)')} "
      f"retrans={get('Retransmissions(C)')} elapsed_s={elapsed:.1f} goodput_cps={ok / elapsed:.0f}{cpu}", flush=True)
PY
}

java -jar "$jar" --bind 127.0.0.1 --sip-port $port --rtp-ports 30000-39999 --out "$recdir" "$@" \
    > "$work/recorder.log" 2>&1 &
recorder=$!
for _ in $(seq 50); do grep -q listening "$work/recorder.log" 2>/dev/null && break; sleep 0.2; done
if [ "$warm_rate" -gt 0 ]; then
  step WARMUP "$warm_rate" "$warm_secs" $port $recorder
fi
last=""
for rate in $rates; do
  find "${recdir:?}" -mindepth 1 -delete # the recordings of a step are not needed after it
  step LOAD "$rate" "$secs" $port $recorder
  last=$rate
done
if [ "${SIPLOAD_OVERLOAD:-1}" != 0 ] && [ -n "$last" ]; then
  find "${recdir:?}" -mindepth 1 -delete
  sleep 5 # the last step's sessions end
  step OVERLOAD $((2 * last)) "$secs" $port $recorder
fi
kill $recorder; wait $recorder 2>/dev/null || true
recorder=""
if [ "${SIPLOAD_ANCHOR:-1}" != 0 ] && [ -n "$last" ]; then
  # SIPp's built-in UAS answers INVITE with 180 and 200, and BYE with 200
  sipp -sn uas -i 127.0.0.1 -p $port -nostdin -bg >/dev/null 2>&1 || true
  sleep 1
  step ANCHOR "$last" "$secs" $port ""
  pkill -f "sipp -sn uas -i 127.0.0.1 -p $port" || true
fi
