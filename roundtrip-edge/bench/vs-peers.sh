#!/usr/bin/env bash
# vs-peers.sh: the balancer against HAProxy and nginx, measured by the peers' own script
# (../shared/bench/peers/http-proxy.sh), side by side in one run, with the same pinning.
#
# The balancer runs pinned to CPU 1 (the peers' SERVER_CPUS) with one worker, in front of the
# script's two nginx backends, on its own ports (28080, 28443), so that it keeps running while
# the peers take the script's ports. The runs are interleaved: each round measures the balancer,
# then each peer, so a machine that slows down or speeds up over the minutes of a run (a shared
# VM does) weighs on all of them alike. Round 1 of the balancer is a cold JVM (the script's own
# warm-up is 5 s); later rounds show it warmed up (the JIT has seen new connections come and go).
# Every RESULT line of the script is printed, labelled; nothing is dropped.
#
# Usage: roundtrip-edge/bench/vs-peers.sh            (from the repository root)
# Environment (default):
#   TESTS (h1,h2tls,h1tls,hs,hsr)  ROUNDS (3)  PEERS (haproxy nginx)  TRANSPORT (io_uring)
#   PEERS_DIR (../shared/bench/peers)  DURATION (10)  WARMUP (5): passed to http-proxy.sh
set -Eeuo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
peers_dir=${PEERS_DIR:-$root/../shared/bench/peers}
tests=${TESTS:-h1,h2tls,h1tls,hs,hsr}
rounds=${ROUNDS:-3}
transport=${TRANSPORT:-io_uring}
[[ -x $peers_dir/http-proxy.sh ]] || { echo "vs-peers: no $peers_dir/http-proxy.sh (set PEERS_DIR)" >&2; exit 2; }
java_bin=$(ls -d /usr/lib/jvm/*/bin/java 2>/dev/null | sort -rV | while read -r j; do
  v=$("$j" -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -n 1); [[ -n $v && $v -ge 25 ]] && { echo "$j"; break; }; done)
[[ -n ${JAVA_HOME:-} ]] && java_bin=$JAVA_HOME/bin/java
[[ -n $java_bin ]] || { echo "vs-peers: needs a JDK 25 (set JAVA_HOME)" >&2; exit 2; }
jar=$root/roundtrip-cli/target/roundtrip.jar
[[ -f $jar ]] || { echo "vs-peers: build first: ./mvnw -q -DskipTests package" >&2; exit 2; }

work=$(mktemp -d /tmp/vs-peers.XXXXXX)
lb_pid=
cleanup() { [[ -n $lb_pid ]] && kill "$lb_pid" 2>/dev/null && wait "$lb_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

cat >"$work/lb.yaml" <<YAML
listeners:
  - { name: plain, address: 127.0.0.1:28080, routes: [{ match: { hosts: ["*"], path_prefix: / }, cluster: app }] }
  - { name: tls, address: 127.0.0.1:28443, tls: { certificates: [ { names: [localhost, 127.0.0.1] } ], ca_dir: $work/ca },
      routes: [{ match: { hosts: ["*"], path_prefix: / }, cluster: app }] }
clusters:
  - { name: app, endpoints: [127.0.0.1:18081, 127.0.0.1:18082] }
workers: 1
transport: $transport
access_log: false
YAML

label() { awk -v l="$1" '/^RESULT/{print l ": " $0}'; }

echo "# roundtrip lb (transport: $transport) and ${PEERS:-haproxy nginx}, $rounds interleaved rounds" >&2
taskset -c 1 "$java_bin" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  -jar "$jar" lb --config "$work/lb.yaml" >"$work/lb.log" 2>&1 &
lb_pid=$!
for _ in $(seq 50); do grep -q "^event loops" "$work/lb.log" 2>/dev/null && break; kill -0 "$lb_pid" 2>/dev/null || { cat "$work/lb.log" >&2; exit 1; }; sleep 0.2; done
for r in $(seq "$rounds"); do
  (cd "$peers_dir" && TESTS=$tests ./http-proxy.sh target 28080 28443) 2>&1 | label "roundtrip round $r"
  for peer in ${PEERS:-haproxy nginx}; do
    (cd "$peers_dir" && TESTS=$tests ./http-proxy.sh "$peer") 2>&1 | label "$peer round $r"
  done
done
