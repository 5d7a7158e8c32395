#!/usr/bin/env bash
# The cluster recipe, run end to end on one machine (docs/deploy.md): Kamailio (Debian's package,
# dispatcher module) on 127.0.0.1:5060 in front of two example recorders on 5071 and 5072, SIPp
# as the SBC sending SIPREC calls to Kamailio. Three phases, one line each:
#   spread  calls land on both recorders;
#   drain   recorder 1 gets SIGTERM (it drains: 503 to INVITE and OPTIONS) and then exits 0;
#           every new call lands on recorder 2, none fails;
#   kill    recorder 1 is back, recorder 2 is killed (SIGKILL); every new call lands on
#           recorder 1, none fails (the first ones after the kill fail over after Kamailio's
#           2 s timer).
# Exits non-zero when a phase fails. Needs the example jar (built when missing), and installs
# kamailio and sip-tester from Debian when missing (as root).
#   deploy/cluster/run.sh [CALLS_PER_PHASE] [RATE]
set -euo pipefail
cd "$(dirname "$0")/../.."
calls=${1:-60}
rate=${2:-20}
jar=siprec-examples/target/siprec-examples.jar
[ -f "$jar" ] || mvn -B -q -DskipTests package
if ! command -v kamailio >/dev/null 2>&1 || ! command -v sipp >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kamailio sip-tester >/dev/null
fi
addr=127.0.0.1
kport=${CLUSTER_PROXY_PORT:-5060}
ports=(0 ${CLUSTER_NODE1_PORT:-5071} ${CLUSTER_NODE2_PORT:-5072})
work=$(mktemp -d)
pids=(0 0 0)
kamailio_pid=""
cleanup() {
  for i in 1 2; do [ "${pids[$i]}" != 0 ] && kill -9 "${pids[$i]}" 2>/dev/null || true; done
  [ -n "$kamailio_pid" ] && kill "$kamailio_pid" 2>/dev/null || true
  [ -n "${CLUSTER_KEEP:-}" ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "CLUSTER FAILED: $*"; for f in "$work"/*.log; do echo "--- $f"; tail -n 20 "$f"; done; exit 1; }

start_node() { # start_node N
  local n=$1
  java -jar "$jar" --bind $addr --sip-port "${ports[$n]}" --rtp-ports $((30000 + n * 1000))-$((30999 + n * 1000)) \
      --out "$work/node$n" --drain-timeout 10 --status-interval 0 >"$work/node$n.log" 2>&1 &
  pids[$n]=$!
  for _ in $(seq 100); do grep -q listening "$work/node$n.log" 2>/dev/null && return 0; sleep 0.1; done
  fail "recorder $n did not start"
}
recordings() { find "$work/node$1" -name '*.json' 2>/dev/null | wc -l; }

run_calls() { # run_calls PHASE: SIPp sends $calls calls to Kamailio; prints "ok failed"
  sipp $addr:$kport -sf deploy/cluster/siprec_call.xml -i $addr -p 5093 -mp 27000 -r "$rate" -m "$calls" \
      -l 50 -nostdin -timeout 120s -trace_stat -stf "$work/$1.csv" -fd 1 >/dev/null 2>"$work/sipp-$1.log" || true
  python3 - "$work/$1.csv" <<'PY'
import csv, sys
rows = [r for r in csv.reader(open(sys.argv[1]), delimiter=";") if r]
last = dict(zip(rows[0], rows[-1]))
print(int(last["SuccessfulCall(C)"]), int(last["FailedCall(C)"]))
PY
}

start_node 1
start_node 2
sed -e "s|@SIP_ADDR@|$addr|g" -e "s|@SIP_PORT@|$kport|g" -e "s|@LIST@|$work/dispatcher.list|g" \
    deploy/cluster/kamailio.cfg.in > "$work/kamailio.cfg"
printf '1 sip:%s:%s\n1 sip:%s:%s\n' $addr "${ports[1]}" $addr "${ports[2]}" > "$work/dispatcher.list"
kamailio -f "$work/kamailio.cfg" -DD -E -m 64 -M 8 >"$work/kamailio.log" 2>&1 &
kamailio_pid=$!
sleep 3 # the first OPTIONS probes mark both recorders up
kill -0 "$kamailio_pid" 2>/dev/null || fail "kamailio did not start"

read -r ok failed < <(run_calls spread)
n1=$(recordings 1); n2=$(recordings 2)
echo "CLUSTER phase=spread calls=$calls ok=$ok failed=$failed node1=$n1 node2=$n2"
[ "$ok" = "$calls" ] && [ "$failed" = 0 ] && [ "$n1" -gt 0 ] && [ "$n2" -gt 0 ] && [ $((n1 + n2)) = "$calls" ] \
    || fail "spread: calls did not all pass or did not land on both recorders"

kill -TERM "${pids[1]}"
sleep 2 # its OPTIONS answer turns 503: Kamailio takes it out
read -r ok failed < <(run_calls drain)
m1=$(recordings 1); m2=$(recordings 2)
exited=""
for _ in $(seq 100); do kill -0 "${pids[1]}" 2>/dev/null || { wait "${pids[1]}" && exited=0 || exited=$?; break; }; sleep 0.1; done
pids[1]=0
echo "CLUSTER phase=drain calls=$calls ok=$ok failed=$failed node1_new=$((m1 - n1)) node2_new=$((m2 - n2)) node1_exit=${exited:-running}"
[ "$ok" = "$calls" ] && [ "$failed" = 0 ] && [ $((m1 - n1)) = 0 ] && [ $((m2 - n2)) = "$calls" ] && [ "$exited" = 0 ] \
    || fail "drain: a call failed, reached the draining recorder, or it did not exit 0"

start_node 1
sleep 3 # probed up again
kill -9 "${pids[2]}"; wait "${pids[2]}" 2>/dev/null || true; pids[2]=0
read -r ok failed < <(run_calls kill)
k1=$(recordings 1)
echo "CLUSTER phase=kill calls=$calls ok=$ok failed=$failed node1_new=$((k1 - m1))"
[ "$ok" = "$calls" ] && [ "$failed" = 0 ] && [ $((k1 - m1)) = "$calls" ] \
    || fail "kill: a call failed or did not land on the remaining recorder"
echo "CLUSTER OK"
