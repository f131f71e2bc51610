#!/usr/bin/env bash
# vs-peers.sh: the balancer against HAProxy and nginx, measured by the peers' own script
# (../shared/bench/peers/http-proxy.sh), side by side in one run, with the same pinning.
#
# The balancer runs pinned to CPU 1 (the peers' SERVER_CPUS) with one worker, in front of the
# script's two nginx backends, on its own ports (28080, 28443), so that it keeps running while
# the peers take the script's ports. It runs twice over (VARIANTS): as configured by default,
# adding X-Forwarded-For/-Proto/-Host, Forwarded, Via and traceparent to each request and Via and
# Server-Timing to each response, and with add_headers: none (ports 29080, 29443), forwarding
# what it got as the peers do in the script's configuration, which adds no header. The runs are
# interleaved: each round measures each balancer, then each peer, so a machine that slows down or
# speeds up over the minutes of a run (a shared VM does) weighs on all of them alike; the balancers
# take turns at being measured first, right after the peers. Round 1 of the balancer is a cold
# JVM (the script's own warm-up is 5 s); later rounds show it warmed up (the JIT has seen new
# connections come and go).
# Every RESULT line of the script is printed, labelled; nothing is dropped.
#
# Usage: roundtrip-edge/bench/vs-peers.sh            (from the repository root)
# Environment (default):
#   TESTS (h1,h2tls,h1tls,hs,hsr)  ROUNDS (3)  PEERS (haproxy nginx)  TRANSPORT (io_uring)
#   VARIANTS ("all none"): the balancer's add_headers, one balancer each
#   AOT (0): 1 = start each balancer from an AOT cache (JDK 25) trained first on the same tests
#     (one pass of http-proxy.sh, 5 s each), as README.md describes for a warm start
#   LB_JAVA_OPTS (none): more JVM flags for the balancers
#   WARM_PASSES (0): passes of the tests (10 s each, unmeasured) through each balancer before
#     round 1, for a balancer that has been serving for a while (the peers need no warm-up)
#   PEERS_DIR (../shared/bench/peers)  DURATION (10)  WARMUP (5): passed to http-proxy.sh
set -Eeuo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init vs-peers
tests=${TESTS:-h1,h2tls,h1tls,hs,hsr}
rounds=${ROUNDS:-3}
transport=${TRANSPORT:-io_uring}

work=$(mktemp -d /tmp/vs-peers.XXXXXX)
lb_pids=()
cleanup() { # stops the balancers this script started (a balancer killed by the signal exits non-zero: not an error here)
  local p
  for p in "${lb_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${lb_pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

start_lb() { # variant [JVM flags...]: starts the balancer of that variant and waits until it listens
  local v=$1; shift
  taskset -c 1 "$java_bin" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow ${LB_JAVA_OPTS:-} "$@" \
    -jar "$jar" lb --config "$work/lb-$v.yaml" >"$work/lb-$v.log" 2>&1 &
  lb_pids+=($!)
  balancer_listening "${lb_pids[-1]}" "$work/lb-$v.log"
}
stop_lb() { # stops the balancer started last and waits for it to exit
  local p=${lb_pids[-1]}
  kill "$p"; wait "$p" 2>/dev/null || true
  unset 'lb_pids[-1]'
}

# One balancer per add_headers variant, each on its own ports: 28080/28443, then 29080/29443, ...
variants=(${VARIANTS:-all none})
i=0
for v in "${variants[@]}"; do
  http=$((28080 + 1000 * i)); tls=$((28443 + 1000 * i))
  cat >"$work/lb-$v.yaml" <<YAML
listeners:
  - { name: plain, address: 127.0.0.1:$http, add_headers: $v, routes: [{ match: { hosts: ["*"], path_prefix: / }, cluster: app }] }
  - { name: tls, address: 127.0.0.1:$tls, add_headers: $v, tls: { certificates: [ { names: [localhost, 127.0.0.1] } ], ca_dir: $work/ca },
      routes: [{ match: { hosts: ["*"], path_prefix: / }, cluster: app }] }
clusters:
  - { name: app, endpoints: [127.0.0.1:18081, 127.0.0.1:18082] }
workers: 1
transport: $transport
access_log: false
YAML
  ports[$i]="$http $tls"
  if [[ ${AOT:-0} == 1 ]]; then
    echo "# training an AOT cache for add_headers=$v ($tests, 5 s each)" >&2
    start_lb "$v" -XX:AOTCacheOutput="$work/lb-$v.aot"
    (cd "$peers_dir" && TESTS=$tests DURATION=5 WARMUP=0 ./http-proxy.sh target ${ports[$i]}) >"$work/train-$v.log" 2>&1 \
      || { tail -5 "$work/train-$v.log" >&2; exit 1; }
    stop_lb # the JVM writes the cache as it exits
    [[ -s $work/lb-$v.aot ]] || { echo "vs-peers: no AOT cache written for $v" >&2; cat "$work/lb-$v.log" >&2; exit 1; }
    start_lb "$v" -XX:AOTCache="$work/lb-$v.aot"
  else
    start_lb "$v"
  fi
  i=$((i + 1))
done

label() { awk -v l="$1" '/^RESULT/{print l ": " $0}'; }

for pass in $(seq "${WARM_PASSES:-0}"); do
  for i in "${!variants[@]}"; do
    echo "# warm-up pass $pass of ${WARM_PASSES}: add_headers=${variants[$i]} ($tests, 10 s each)" >&2
    (cd "$peers_dir" && TESTS=$tests DURATION=10 WARMUP=0 ./http-proxy.sh target ${ports[$i]}) >"$work/warm.log" 2>&1 \
      || { tail -5 "$work/warm.log" >&2; exit 1; }
  done
done

echo "# roundtrip lb (transport: $transport; add_headers: ${variants[*]}${LB_JAVA_OPTS:+; JVM flags: $LB_JAVA_OPTS}$([[ ${AOT:-0} == 1 ]] && echo "; from a trained AOT cache")$([[ ${WARM_PASSES:-0} -gt 0 ]] && echo "; after $WARM_PASSES warm-up passes")) and ${PEERS:-haproxy nginx}, $rounds interleaved rounds" >&2
order=("${!variants[@]}") # reversed every round: the balancer measured first after the peers ran does worse (see README.md)
for r in $(seq "$rounds"); do
  for i in "${order[@]}"; do
    (cd "$peers_dir" && TESTS=$tests ./http-proxy.sh target ${ports[$i]}) 2>&1 | label "roundtrip add_headers=${variants[$i]} round $r"
  done
  order=($(printf '%s\n' "${order[@]}" | tac))
  for peer in ${PEERS:-haproxy nginx}; do
    (cd "$peers_dir" && TESTS=$tests ./http-proxy.sh "$peer") 2>&1 | label "$peer round $r"
  done
done
