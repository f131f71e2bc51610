#!/usr/bin/env bash
# ab.sh: two balancers side by side, A and B, measured in alternating runs of one load: the way
# to tell whether a change (another build of the jar, or JVM flags) makes the balancer faster.
# Runs minutes apart on a shared machine differ by 10-20%; alternating runs of two balancers that
# are both up and warmed up differ by a few percent, so only the ratio of one run of this script
# says anything, and a change smaller than the spread of its rounds says nothing.
#
# The pinning is ../shared/bench/peers/http-proxy.sh's: both balancers (one worker each) and that
# script's two nginx backends on CPU 1, the load generator on CPU 0. Each balancer is warmed up
# with WARM_RUNS 5-s runs of the load; then each round measures A and B one after the other (B
# first in even rounds), every run with new connections. Each run prints req/s and, from the
# latencies of all its requests, p50, p99 and p99.9; the last line is the mean of B/A.
#
# Usage: roundtrip-edge/bench/ab.sh          (from the repository root, after a build)
# Environment (default):
#   LOAD (h2tls): h2tls = h2load -t1 -c32 -m10 over TLS; h1tls = h2load --h1 -t1 -c64 -m1 over TLS;
#     h1 = h2load --h1 -t1 -c64 -m1 in cleartext (the peers' script uses wrk for h1; h2load
#     gives every request's latency)
#   JAR_A, JAR_B (the built roundtrip.jar): the builds to compare; copy the jar and its lib/
#     directory (roundtrip-cli/target/) elsewhere to keep a build for later
#   JAVA_OPTS_A, JAVA_OPTS_B (none): JVM flags of each
#   ADD_HEADERS (none)  TRANSPORT (io_uring)  ROUNDS (4)  RUN_SECONDS (8)  WARM_RUNS (6)
#   PEERS_DIR (../shared/bench/peers)
set -Eeuo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init ab
load=${LOAD:-h2tls}
rounds=${ROUNDS:-4}
run_seconds=${RUN_SECONDS:-8}
warm_runs=${WARM_RUNS:-6}
jar_a=${JAR_A:-$jar}
jar_b=${JAR_B:-$jar}
for j in "$jar_a" "$jar_b"; do
  [[ -f $j ]] || { echo "ab: no jar $j" >&2; exit 2; }
done
for bin in h2load taskset setsid; do
  command -v "$bin" >/dev/null || { echo "ab: $bin not found (../shared/bench/peers/install-peers.sh installs it)" >&2; exit 2; }
done
case $load in
  h2tls) scheme=https flags=(-t1 -c32 -m10) ;;
  h1tls) scheme=https flags=(--h1 -t1 -c64 -m1) ;;
  h1) scheme=http flags=(--h1 -t1 -c64 -m1) ;;
  *) echo "ab: LOAD is h2tls, h1tls or h1, not '$load'" >&2; exit 2 ;;
esac

bench_workdir ab

start_backends

declare -A port
start() { # name jar port "JVM flags": one balancer, listening in cleartext or TLS as the load needs
  local name=$1 jar=$2 p=$3 opts=$4 tls=""
  [[ $scheme == https ]] && tls="tls: { certificates: [ { names: [localhost, 127.0.0.1] } ], ca_dir: $work/ca },"
  cat >"$work/lb-$name.yaml" <<YAML
listeners:
  - { name: bench, address: 127.0.0.1:$p, add_headers: ${ADD_HEADERS:-none}, $tls
      routes: [{ match: { hosts: ["*"], path_prefix: / }, cluster: app }] }
clusters:
  - { name: app, endpoints: [127.0.0.1:18081, 127.0.0.1:18082] }
workers: 1
transport: ${TRANSPORT:-io_uring}
access_log: false
YAML
  # shellcheck disable=SC2086 # the flags are words
  start_balancer "$jar" "$work/lb-$name.yaml" "$work/lb-$name.log" $opts
  port[$name]=$p
}
start A "$jar_a" 28443 "${JAVA_OPTS_A:-}"
start B "$jar_b" 29443 "${JAVA_OPTS_B:-}"

run() { # name seconds [log] -> "req/s" or, with log, "req/s p50 p99 p99.9" (ms)
  local url="$scheme://127.0.0.1:${port[$1]}/" log=()
  [[ -n ${3:-} ]] && log=(--log-file="$work/requests.log")
  taskset -c 0 h2load "${flags[@]}" -D "$2" "${log[@]}" "$url" >"$work/h2load.out" \
    || { echo "ab: h2load failed against $1:" >&2; tail -5 "$work/h2load.out" >&2; exit 1; }
  local rps
  rps=$(awk '/^finished in/{print $4}' "$work/h2load.out")
  if [[ -z ${3:-} ]]; then echo "$rps"; return; fi
  # h2load's log: start time, status, request time in microseconds.
  awk '{print $3}' "$work/requests.log" | sort -n | awk -v rps="$rps" '{t[NR]=$1}
    END{printf "%s %.2f %.2f %.2f\n", rps, t[int(NR*0.5)]/1000, t[int(NR*0.99)]/1000, t[int(NR*0.999)]/1000}'
  rm -f "$work/requests.log"
}

echo "# $load, add_headers: ${ADD_HEADERS:-none}; A: $jar_a ${JAVA_OPTS_A:-}; B: $jar_b ${JAVA_OPTS_B:-}" >&2
echo "# warming up: $warm_runs runs of 5 s on each" >&2
for i in $(seq "$warm_runs"); do
  printf '# warm-up %d: A %s req/s, B %s req/s\n' "$i" "$(run A 5)" "$(run B 5)" >&2
done
ratios=()
for r in $(seq "$rounds"); do
  if (( r % 2 )); then a=$(run A "$run_seconds" log); b=$(run B "$run_seconds" log)
  else b=$(run B "$run_seconds" log); a=$(run A "$run_seconds" log); fi
  read -r a_rps a_p50 a_p99 a_p999 <<<"$a"
  read -r b_rps b_p50 b_p99 b_p999 <<<"$b"
  ratio=$(awk -v a="$a_rps" -v b="$b_rps" 'BEGIN{printf "%.3f", b/a}')
  ratios+=("$ratio")
  printf 'round %d: A %.0f req/s (p50 %s, p99 %s, p99.9 %s ms) | B %.0f req/s (p50 %s, p99 %s, p99.9 %s ms) | B/A %s\n' \
    "$r" "$a_rps" "$a_p50" "$a_p99" "$a_p999" "$b_rps" "$b_p50" "$b_p99" "$b_p999" "$ratio"
done
printf '%s\n' "${ratios[@]}" | awk '{s+=$1; if(NR==1||$1<lo)lo=$1; if(NR==1||$1>hi)hi=$1} END{printf "B/A: mean %.3f, rounds %.3f-%.3f\n", s/NR, lo, hi}'
