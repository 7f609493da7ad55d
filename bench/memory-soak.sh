#!/usr/bin/env bash
# A long steady connection-per-request load through one forwarder, in slices, to see whether its memory, descriptors,
# rate or p99 drift: `./lvs4j forward --threads 1` (the launcher's default JVM options unless LVS4J_JAVA_OPTS is
# set), HAProxy (mode tcp, nbthread 1) or nginx stream (worker_processes 1) in front of one nginx backend on loopback;
# wrk -t1 -cCONNS with `Connection: close` for DURATION seconds after a 10 s warm-up, as back-to-back wrk runs of SLICE
# seconds each. Prints one line per slice (req/s, p99, the forwarder's CPU µs per connection, its resident set and
# open descriptors at the slice's end), the highest resident set of the 1 s samples, the descriptors before the load
# and after it ends, and for lvs4j the heap after a full GC (jcmd GC.run, GC.heap_info) and, with
# -XX:NativeMemoryTracking=summary among the options, the JVM's own account of its memory (VM.native_memory).
#
# Usage: bench/memory-soak.sh [--forwarder lvs4j|haproxy|nginx] [--duration SECONDS=300] [--slice SECONDS=30]
#                             [--conns C=64]
# Environment: LVS4J_JAVA_OPTS (passed to ./lvs4j; unset: the launcher's defaults); DIAG=1: after the full GC, the
# largest mappings of the resident set (pmap), anonymous against file-backed, and what a malloc_trim gives back.
set -euo pipefail
cd "$(dirname "$0")/.."
FWD=lvs4j; DURATION=300; SLICE=30; CONNS=64
while [ $# -gt 0 ]; do
  case $1 in
    --forwarder) FWD=$2 ;; --duration) DURATION=${2%s} ;; --slice) SLICE=${2%s} ;; --conns) CONNS=$2 ;;
    *) echo "unknown argument $1 (see the usage at the top of $0)" >&2; exit 2 ;;
  esac
  shift 2
done
. bench/lib.sh
bench_start soak
bench_need nginx wrk curl haproxy nginx-stream
./lvs4j --version >/dev/null 2>&1 || true  # the launcher builds the jar first when a source is newer
BACKEND=18681; PORT=18692
mkdir -p "$work/www"; printf 'ok\n' > "$work/www/small"
nginx_backend $BACKEND
case $FWD in
  lvs4j)
    ./lvs4j forward --listen 127.0.0.1:$PORT --real 127.0.0.1:$BACKEND --scheduler rr --threads 1 \
      > "$work/lvs4j.out" 2>&1 & pid=$!; pids+=($pid) ;;  # the launcher execs java: the job is the JVM
  haproxy)
    haproxy_cfg $PORT $BACKEND > "$work/haproxy.cfg"
    haproxy -f "$work/haproxy.cfg" -db & pid=$!; pids+=($pid) ;;
  nginx)
    nginx_stream_cfg stream $PORT $BACKEND > "$work/stream.conf"
    nginx -c "$work/stream.conf" -p "$work" & master=$!; pids+=($master) ;;
  *) echo "--forwarder must be lvs4j, haproxy or nginx" >&2; exit 2 ;;
esac
wait_port $BACKEND; wait_port $PORT
[ "$FWD" = nginx ] && pid=$(pgrep -P "$master" | head -1)  # the worker forwards; the master only supervises
[ "$(curl -s "http://127.0.0.1:$PORT/small")" = ok ] || { echo "$FWD does not serve /small" >&2; exit 1; }
wrk -t1 -c"$CONNS" -d10s -H "Connection: close" "http://127.0.0.1:$PORT/small" >/dev/null
fds() { ls "/proc/$pid/fd" | wc -l; }
rss() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }
sleep 2  # the warm-up's last closes finish
fd0=$(fds); rss0=$(rss)
( while kill -0 "$pid" 2>/dev/null; do rss; sleep 1; done ) > "$work/rss" 2>/dev/null & sampler=$!
hz=$(getconf CLK_TCK)
printf '%6s %8s %8s %8s %7s %8s %6s\n' t_s req/s p50_us p99_us cpu_us rss_MiB fds
total=0; t=0; start=$(date +%s)
while [ $t -lt "$DURATION" ]; do
  c0=$(cpu_ticks "$pid")
  out=$(wrk -t1 -c"$CONNS" -d"${SLICE}s" --latency -H "Connection: close" "http://127.0.0.1:$PORT/small")
  c1=$(cpu_ticks "$pid")
  echo "$out" | grep -E 'Socket errors|Non-2xx' >&2 || true
  n=$(echo "$out" | awk '/requests in/ {print $1}'); total=$((total + n))
  t=$(( $(date +%s) - start ))
  awk -v t=$t -v r="$(echo "$out" | awk '/Requests\/sec/ {print $2}')" \
    -v a="$(to_us "$(echo "$out" | awk '$1=="50%" {print $2}')")" -v p="$(to_us "$(echo "$out" | awk '$1=="99%" {print $2}')")" \
    -v d=$((c1 - c0)) -v n="$n" -v hz="$hz" -v m="$(rss)" -v f="$(fds)" \
    'BEGIN { printf "%6d %8.0f %8.0f %8.0f %7.1f %8.1f %6d\n", t, r, a, p, d * 1000000 / hz / n, m / 1024, f }'
done
kill "$sampler" 2>/dev/null || true
for _ in $(seq 100); do [ "$(fds)" -le "$fd0" ] && break; sleep 0.1; done
max=$(sort -n "$work/rss" | tail -1)
echo "connections: $total in ${t}s; descriptors $fd0 before the load, $(fds) after it; RSS $(awk -v k="$rss0" 'BEGIN { printf "%.1f", k / 1024 }') MiB before, $(awk -v k="$(rss)" 'BEGIN { printf "%.1f", k / 1024 }') after, highest sample $(awk -v k="$max" 'BEGIN { printf "%.1f", k / 1024 }')"
if [ "$FWD" = lvs4j ]; then
  jcmd "$pid" GC.run >/dev/null
  echo "after a full GC: RSS $(awk -v k="$(rss)" 'BEGIN { printf "%.1f", k / 1024 }') MiB"
  jcmd "$pid" GC.heap_info | grep -E 'generation|space|Metaspace' | sed 's/^ *//'
  if [[ ${LVS4J_JAVA_OPTS:-} == *NativeMemoryTracking* ]]; then
    jcmd "$pid" VM.native_memory summary | grep -E '^(Total|-)' | sed 's/(reserved=[0-9]*KB, //' | head -24
  fi
  if [ -n "${DIAG:-}" ]; then  # where the resident set is: the largest mappings, then what glibc gives back on a trim
    pmap -x "$pid" | awk 'NR > 2 && $3 > 0 && $1 != "total" { m = ""; for (i = 6; i <= NF; i++) m = m " " $i; print $3, m }' | sort -n | tail -12 | awk '{ k = $1; $1 = ""; printf "rss %7.1f MiB%s\n", k / 1024, $0 }'
    pmap -x "$pid" | awk 'NR > 2 && $3 > 0 && $1 != "total" { if ($0 ~ /anon/) a += $3; else f += $3 } END { printf "anonymous %.1f MiB, file-backed %.1f MiB\n", a / 1024, f / 1024 }'
    jcmd "$pid" System.trim_native_heap | tail -1
    echo "after the trim: RSS $(awk -v k="$(rss)" 'BEGIN { printf "%.1f", k / 1024 }') MiB"
  fi
  grep -E 'at most|WARN|ERROR' "$work/lvs4j.out" | head -3 || true
fi
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r); $(date -u '+%F %H:%M UTC'); commit $(git rev-parse --short HEAD)"
echo "$FWD --threads 1 / nbthread 1 / worker_processes 1; wrk -t1 -c$CONNS -H 'Connection: close' in ${SLICE}s slices after 10 s of warm-up; one nginx $(nginx -v 2>&1 | awk -F/ '{print $2}') backend; lvs4j options '${LVS4J_JAVA_OPTS-launcher defaults}'"
