#!/usr/bin/env bash
# Resident memory of `./lvs4j forward` under a steady connection-per-request load: one JVM per option set (in the
# order given, each against one nginx backend on loopback), wrk -c CONNECTIONS with `Connection: close` for DURATION
# after a 10 s warm-up; prints req/s, p99, CPU µs per connection and the forwarder's resident set (VmRSS: at the end
# and the highest of the per-second samples) and its open descriptors before and after (HEAP_INFO=1: the heap after a
# full GC too; -XX:NativeMemoryTracking=summary among the options: the JVM's own account of its memory).
#
# Usage: bench/forward-memory.sh DURATION CONNECTIONS "OPTIONS A" ["OPTIONS B" ...]
#   OPTIONS: JVM options as for LVS4J_JAVA_OPTS, after any NAME=VALUE environment settings (MALLOC_ARENA_MAX=2 ...);
#   "default" for the launcher's own, "none" for none at all (the JVM's ergonomics).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-30s}; CONNS=${2:-64}; shift 2
. bench/lib.sh
bench_start memory
bench_need nginx wrk curl
./lvs4j --version >/dev/null 2>&1 || true  # the launcher builds the jar first when a source is newer
BACKEND=18381; PORT=18392
mkdir -p "$work/www"; printf 'ok\n' > "$work/www/small"
nginx_backend $BACKEND
wait_port $BACKEND
printf '%-60s %8s %7s %7s %8s %8s %6s %6s\n' options req/s p99_us cpu_us rss_MB max_MB fd0 fd1
for opts in "$@"; do
  envs=(); jvm=()
  for w in $opts; do if [[ $w =~ ^[A-Z_]+= ]]; then envs+=("$w"); elif [ "$w" != default ] && [ "$w" != none ]; then jvm+=("$w"); fi; done
  # "default": the launcher's own options; "none": none at all (the JVM's ergonomics)
  if [ "$opts" = default ]; then unset LVS4J_JAVA_OPTS; else export LVS4J_JAVA_OPTS="${jvm[*]}"; fi
  env "${envs[@]}" ./lvs4j forward --listen 127.0.0.1:$PORT --real 127.0.0.1:$BACKEND --scheduler rr --threads 1 \
    > "$work/lvs4j.out" 2>&1 & pid=$!; pids+=($pid)
  wait_port $PORT
  [ "$(curl -s "http://127.0.0.1:$PORT/small")" = ok ] || { echo "lvs4j does not serve /small" >&2; exit 1; }
  wrk -t1 -c"$CONNS" -d10s -H "Connection: close" "http://127.0.0.1:$PORT/small" >/dev/null
  fd0=$(ls "/proc/$pid/fd" | wc -l)
  max=0
  ( while kill -0 "$pid" 2>/dev/null; do awk '/VmRSS/ {print $2}' "/proc/$pid/status"; sleep 1; done ) > "$work/rss" 2>/dev/null &
  sampler=$!
  t0=$(cpu_ticks "$pid")
  out=$(wrk -t1 -c"$CONNS" -d"$DURATION" --latency -H "Connection: close" "http://127.0.0.1:$PORT/small")
  t1=$(cpu_ticks "$pid")
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  kill "$sampler" 2>/dev/null || true
  max=$(sort -n "$work/rss" | tail -1)
  # descriptors back to the idle count once TIME_WAIT-free closes finish
  for _ in $(seq 50); do [ "$(ls "/proc/$pid/fd" | wc -l)" -le "$fd0" ] && break; sleep 0.1; done
  fd1=$(ls "/proc/$pid/fd" | wc -l)
  n=$(echo "$out" | awk '/requests in/ {print $1}')
  awk -v o="$opts" -v r="$(echo "$out" | awk '/Requests\/sec/ {print $2}')" \
    -v p="$(to_us "$(echo "$out" | awk '$1=="99%" {print $2}')")" -v d=$((t1 - t0)) -v n="$n" \
    -v hz="$(getconf CLK_TCK)" -v rss="$rss" -v max="$max" -v f0="$fd0" -v f1="$fd1" \
    'BEGIN { printf "%-60s %8.0f %7.0f %7.1f %8.1f %8.1f %6d %6d\n", o, r, p, d * 1000000 / hz / n, rss / 1024, max / 1024, f0, f1 }'
  if [ -n "${HEAP_INFO:-}" ]; then jcmd "$pid" GC.run >/dev/null; jcmd "$pid" GC.heap_info | grep -E "generation|Metaspace" || true; fi
  # with -XX:NativeMemoryTracking=summary among the options: where the JVM's committed memory is
  if [[ $opts == *NativeMemoryTracking* ]]; then
    jcmd "$pid" VM.native_memory summary | grep -E '^(Total|-)' | sed 's/(reserved=[0-9]*KB, //' | head -24
  fi
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r); $(date -u +%F); commit $(git rev-parse --short HEAD)"
echo "wrk -t1 -c$CONNS -d$DURATION -H 'Connection: close', one nginx $(nginx -v 2>&1 | awk -F/ '{print $2}') backend"
