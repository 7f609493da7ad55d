#!/usr/bin/env bash
# Profiles `./lvs4j forward` (the launcher's defaults, one event loop) with async-profiler while wrk sends one request
# per connection through it to one nginx backend on loopback: CPU (Java and, where perf_event_paranoid allows, kernel
# frames) and allocation, each over DURATION after a warm-up. Prints the top frames ("flat") and leaves the collapsed
# stacks in the work directory. async-profiler is Maven Central's tools.profiler:async-profiler (its jar carries the
# native library).
#
# Usage: bench/profile-connection.sh [DURATION=15] [CONNECTIONS=50] [MODE=close|keepalive]
# Environment: LVS4J_JAVA_OPTS, LVS4J_JAR (as for ./lvs4j), AP_VERSION (default 4.2), WARMUP (seconds of the same load
# before the first profile, default 10; the JIT compiler works for about 30 s of it on this 2-core machine), INTERVAL
# (CPU sampling interval, default 100us), THREADS=1 (a frame per thread at the root of each stack: the thread's totals).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-15}
CONNS=${2:-50}
MODE=${3:-close}
. bench/lib.sh
bench_start profile
bench_need nginx wrk curl
ap_dir=$work/async-profiler
./mvnw -q -B dependency:copy -Dartifact="tools.profiler:async-profiler:${AP_VERSION:-4.2}" -DoutputDirectory="$ap_dir"
(cd "$ap_dir" && unzip -q -o ./*.jar linux-x64/libasyncProfiler.so)
lib=$ap_dir/linux-x64/libasyncProfiler.so
./lvs4j --version >/dev/null 2>&1 || true  # the launcher builds the jar first when a source is newer

BACKEND=18281; PORT=18292
mkdir -p "$work/www"; printf 'ok\n' > "$work/www/small"
nginx_backend $BACKEND
./lvs4j forward --listen 127.0.0.1:$PORT --real 127.0.0.1:$BACKEND --scheduler rr --threads 1 \
  > "$work/lvs4j.out" 2>&1 & pids+=($!); pid=$!
for port in $BACKEND $PORT; do wait_port $port; done
[ "$(curl -s "http://127.0.0.1:$PORT/small")" = ok ] || { echo "lvs4j does not serve /small" >&2; exit 1; }
hdr=(); [ "$MODE" = close ] && hdr=(-H "Connection: close")
wrk -t1 -c"$CONNS" -d"${WARMUP:-10}s" "${hdr[@]}" "http://127.0.0.1:$PORT/small" >/dev/null   # warm-up

for event in cpu alloc; do  # cpu: kernel frames too where perf_event_paranoid allows
  jcmd "$pid" JVMTI.agent_load "$lib" "\"start,$([ "$event" = alloc ] && echo event=alloc,alloc=64k || echo "event=cpu,interval=${INTERVAL:-100us}")$([ -n "${THREADS:-}" ] && echo ,threads)\"" >/dev/null
  wrk -t1 -c"$CONNS" -d"${DURATION}s" "${hdr[@]}" "http://127.0.0.1:$PORT/small" | grep -E 'Requests/sec|requests in'
  jcmd "$pid" JVMTI.agent_load "$lib" "\"stop,file=$work/$event.collapsed,collapsed\"" >/dev/null
  echo "== $event: top frames by own samples (self) and with their callees (total), $work/$event.collapsed"
  ap_top "$work/$event.collapsed" 'io/lvs4j|io/netty/(bootstrap|handler|channel/(Default|Abstract))'
done
echo "work directory: $work (kept)"; trap - EXIT; bench_cleanup
