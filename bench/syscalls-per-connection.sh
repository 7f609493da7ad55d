#!/usr/bin/env bash
# System calls per proxied connection: strace -c -f on the forwarder while wrk sends one request per connection
# through it to one nginx backend on loopback. Runs HAProxy (mode tcp, 1 thread), nginx (stream, 1 worker) and
# `lvs4j forward --threads 1` on NIO, epoll and io_uring, one after the other, and prints each system call's count
# divided by the connections the forwarder made to the backend (its socket() or connect() calls). On io_uring the
# operations submitted through the ring (accept, connect, recv, send, close) are not system calls: only
# io_uring_enter and what Netty calls directly are counted. strace slows the forwarders
# down a lot: the counts are the result, not the rates. Installs haproxy, nginx, wrk and strace from Debian's packages
# when they are missing (needs root).
#
# Usage: bench/syscalls-per-connection.sh [SECONDS=4]
# Environment: LVS4J_JAVA_OPTS (default: the options ./lvs4j gives, as users get them, with its MALLOC_ARENA_MAX=2;
# the earlier counts in docs/benchmarks.md had LVS4J_JAVA_OPTS="-Xms512m -Xmx512m -XX:+UseParallelGC").
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_help "$@"
SECONDS_RUN=${1:-4}
[[ $SECONDS_RUN =~ ^[1-9][0-9]*$ ]] || { echo "$0: SECONDS is a whole number above 0 (see --help)" >&2; exit 2; }
java_opts=${LVS4J_JAVA_OPTS-$(launcher_opts)}
bench_start syscalls
bench_need haproxy nginx wrk strace curl nginx-stream
jar=lvs-examples/target/lvs-examples-0.1.0-SNAPSHOT-all.jar
./mvnw -q -B -DskipTests -Djacoco.skip=true -pl lvs-examples -am package

BACKEND=18281; PORT=18292
mkdir -p "$work/www"; printf 'ok\n' > "$work/www/small"
cat > "$work/backend.conf" <<CONF
worker_processes 1; daemon off; pid $work/backend.pid; error_log $work/backend.err warn;
events { worker_connections 4096; }
http { access_log off; server { listen 127.0.0.1:$BACKEND reuseport backlog=4096; root $work/www; } }
CONF
nginx -c "$work/backend.conf" -p "$work" & pids+=($!)

# measure NAME PID: warm up, then strace the forwarder under load; prints the per-connection counts
measure() {
  local name=$1 pid=$2
  wait_port $PORT
  [ "$(curl -s "http://127.0.0.1:$PORT/small")" = ok ] || { echo "$name does not serve /small" >&2; exit 1; }
  wrk -t1 -c50 -d3s -H "Connection: close" "http://127.0.0.1:$PORT/small" >/dev/null
  timeout $((SECONDS_RUN + 3)) strace -c -f -p "$pid" -o "$work/$name.strace" 2>/dev/null &
  local st=$!
  sleep 0.5
  wrk -t1 -c50 -d"${SECONDS_RUN}s" -H "Connection: close" "http://127.0.0.1:$PORT/small" >/dev/null
  kill -INT $st 2>/dev/null || true
  wait $st 2>/dev/null || true
  awk -v name="$name" '
    /^-+/ { table = 1; next }
    table && NF >= 5 && $NF != "total" { n[$NF] = $4 }
    END {
      c = n["socket"] > 0 ? n["socket"] : n["connect"]
      line = ""; total = 0
      for (k in n) if (k != "futex" && k != "restart_syscall" && k != "epoll_wait" && n[k] / c >= 0.2) {
        line = line sprintf(" %s %.1f", k, n[k] / c); total += n[k] / c }
      printf "%-12s %5.1f per connection (%d connections):%s\n", name, total, c, line
    }' "$work/$name.strace"
}

run_one() {
  local name=$1; shift
  "$@" & local p=$!
  pids+=($p)
  sleep 1
  local target=$p
  [ "$name" = nginx ] && target=$(pgrep -P "$p" | head -1)
  measure "$name" "$target"
  kill "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
}

haproxy_cfg $PORT $BACKEND > "$work/haproxy.cfg"
nginx_stream_cfg stream $PORT $BACKEND > "$work/stream.conf"
wait_port $BACKEND
run_one haproxy haproxy -f "$work/haproxy.cfg" -db
run_one nginx nginx -c "$work/stream.conf" -p "$work"
for t in nio epoll io_uring; do
  # shellcheck disable=SC2086
  run_one "lvs4j-$t" env MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}" java $java_opts -jar "$jar" forward \
    --listen 127.0.0.1:$PORT --real 127.0.0.1:$BACKEND --scheduler rr --threads 1 --transport "$t"
done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r); $(date -u +%F)"
