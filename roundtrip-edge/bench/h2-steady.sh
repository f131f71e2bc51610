#!/usr/bin/env bash
# h2-steady.sh: HTTP/2 over TLS through a warmed-up balancer and through HAProxy, in alternating
# runs of h2load alone. It measures what a long-running balancer does once its JIT has settled,
# next to what ../shared/bench/peers/http-proxy.sh measures: there each 10-s run starts new
# connections on a balancer that has served only seconds of HTTP/2, and h2load writes a log line
# per request.
#
# The pinning is http-proxy.sh's. The balancer, HAProxy and that script's two nginx backends run
# on CPU 1, and h2load (-t1 -c32 -m10, as in the script's h2tls test) on CPU 0. The balancer runs
# with add_headers as ADD_HEADERS says; HAProxy runs with the script's configuration, which adds no
# header. Every run opens its own 32 connections. Each round prints both req/s and their ratio.
#
# Usage: roundtrip-edge/bench/h2-steady.sh            (from the repository root, after a build)
# Environment (default):
#   ROUNDS (5)  RUN_SECONDS (8)  WARM_RUNS (6): 5-s runs on each before the rounds
#   ADD_HEADERS (none)  TRANSPORT (io_uring)  PEERS_DIR (../shared/bench/peers)
#   REQUEST_LOG (0): 1 = h2load writes a line per request in the measured runs, as http-proxy.sh's does
set -Eeuo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init h2-steady
rounds=${ROUNDS:-5}
run_seconds=${RUN_SECONDS:-8}
warm_runs=${WARM_RUNS:-6}
for bin in h2load haproxy taskset setsid; do
  command -v "$bin" >/dev/null || { echo "h2-steady: $bin not found (../shared/bench/peers/install-peers.sh installs it)" >&2; exit 2; }
done

bench_workdir h2-steady

lb_port=28443 haproxy_port=38443
cat >"$work/lb.yaml" <<YAML
listeners:
  - { name: tls, address: 127.0.0.1:$lb_port, add_headers: ${ADD_HEADERS:-none},
      tls: { certificates: [ { names: [localhost, 127.0.0.1] } ], ca_dir: $work/ca },
      routes: [{ match: { hosts: ["*"], path_prefix: / }, cluster: app }] }
clusters:
  - { name: app, endpoints: [127.0.0.1:18081, 127.0.0.1:18082] }
workers: 1
transport: ${TRANSPORT:-io_uring}
access_log: false
YAML
"$peers_dir/http-proxy.sh" cert "$work/cert" >/dev/null
cat >"$work/haproxy.cfg" <<CFG
global
    nbthread 1
    maxconn 4000
    ssl-default-bind-options ssl-min-ver TLSv1.3
defaults
    mode http
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    timeout http-keep-alive 60s
    option http-keep-alive
frontend fe
    bind 127.0.0.1:$haproxy_port ssl crt $work/cert/combined.pem alpn h2,http/1.1
    default_backend be
backend be
    balance roundrobin
    http-reuse always
    server s1 127.0.0.1:18081
    server s2 127.0.0.1:18082
CFG

start_backends
start_balancer "$jar" "$work/lb.yaml" "$work/lb.log"
taskset -c 1 haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
pids+=($!)

rps() { # port seconds [h2load flags...] -> req/s of one h2load run
  local port=$1 seconds=$2; shift 2
  taskset -c 0 h2load -t1 -c32 -m10 -D "$seconds" "$@" "https://127.0.0.1:$port/" | awk '/^finished in/{print $4; ok=1} END{exit !ok}'
  rm -f "$work/requests.log"
}
log=()
[[ ${REQUEST_LOG:-0} == 1 ]] && log=(--log-file="$work/requests.log")
echo "# warming up: $warm_runs runs of 5 s on each" >&2
for _ in $(seq "$warm_runs"); do rps "$lb_port" 5 >/dev/null; rps "$haproxy_port" 5 >/dev/null; done
echo "# $rounds rounds of ${run_seconds}-s runs, add_headers: ${ADD_HEADERS:-none}${log:+, h2load logging every request}" >&2
for r in $(seq "$rounds"); do
  ours=$(rps "$lb_port" "$run_seconds" "${log[@]}")
  peer=$(rps "$haproxy_port" "$run_seconds" "${log[@]}")
  awk -v r="$r" -v a="$ours" -v b="$peer" 'BEGIN{printf "round %d: roundtrip %.0f req/s, haproxy %.0f req/s, ratio %.2fx\n", r, a, b, a/b}'
done
