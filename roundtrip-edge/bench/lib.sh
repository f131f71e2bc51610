# lib.sh: what the balancer's benchmark scripts share. Sourced by them, not run.

# bench_init NAME: sets root (the repository), peers_dir (PEERS_DIR, default ../shared/bench/peers),
# java_bin (JAVA_HOME's java, else the newest JDK 25 or later under /usr/lib/jvm) and jar (the
# built roundtrip.jar), or exits saying, as NAME, what is missing.
bench_init() {
  local name=$1
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  peers_dir=${PEERS_DIR:-$root/../shared/bench/peers}
  [[ -x $peers_dir/http-proxy.sh ]] || { echo "$name: no $peers_dir/http-proxy.sh (set PEERS_DIR)" >&2; exit 2; }
  java_bin=$(ls -d /usr/lib/jvm/*/bin/java 2>/dev/null | sort -rV | while read -r j; do
    v=$("$j" -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -n 1); [[ -n $v && $v -ge 25 ]] && { echo "$j"; break; }; done)
  [[ -n ${JAVA_HOME:-} ]] && java_bin=$JAVA_HOME/bin/java
  [[ -n $java_bin ]] || { echo "$name: needs a JDK 25 (set JAVA_HOME)" >&2; exit 2; }
  jar=$root/roundtrip-cli/target/roundtrip.jar
  [[ -f $jar ]] || { echo "$name: build first: ./mvnw -q -DskipTests package" >&2; exit 2; }
}

# balancer_listening PID LOG: waits (10 s at most) until the balancer PID, logging to LOG, listens;
# exits showing LOG when it died or did not get there.
balancer_listening() {
  local pid=$1 log=$2
  for _ in $(seq 50); do
    grep -q "^event loops" "$log" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  echo "the balancer did not start:" >&2; cat "$log" >&2; exit 1
}

# bench_workdir NAME: makes the run's temporary directory (work) and the list of what the script
# starts (pids); on exit, stops those, by PID or by their session (the backends run in one of
# their own), and removes the directory.
bench_workdir() {
  work=$(mktemp -d "/tmp/$1.XXXXXX")
  pids=()
  trap bench_cleanup EXIT
}
bench_cleanup() {
  local p
  for p in "${pids[@]}"; do kill -- "-$p" 2>/dev/null || kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}

# start_backends: the peers' script's two nginx backends (127.0.0.1:18081 and 18082, on its
# BACKEND_CPUS), in a session of their own; waits until they listen, or exits showing their log.
start_backends() {
  (cd "$peers_dir" && exec setsid ./http-proxy.sh backends) >"$work/backends.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do
    grep -q "^backends on" "$work/backends.log" 2>/dev/null && return 0
    kill -0 "${pids[-1]}" 2>/dev/null || break
    sleep 0.2
  done
  echo "the backends did not start:" >&2; cat "$work/backends.log" >&2; exit 1
}

# start_balancer JAR CONFIG LOG [JVM flags...]: the balancer of JAR with CONFIG, pinned to CPU 1
# as the peers are, logging to LOG; waits until it listens.
start_balancer() {
  local jar=$1 config=$2 log=$3; shift 3
  taskset -c 1 "$java_bin" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow "$@" \
    -jar "$jar" lb --config "$config" >"$log" 2>&1 &
  pids+=($!)
  balancer_listening "${pids[-1]}" "$log"
}
