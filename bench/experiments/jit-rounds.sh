#!/usr/bin/env bash
# Where a director's user time goes round by round under connection-per-request load, and what its JIT compiler and
# code cache do meanwhile: for each JVM option set in turn, one `lvs4j forward --threads 1` (io_uring) in front of one
# nginx backend, ROUNDS back-to-back wrk runs of DURATION with `Connection: close`, no separate warm-up (the first
# rounds are the warm-up). Per round: req/s, user and system CPU microseconds per connection of the whole process,
# the user time of the lvs4j-* threads (the event loops), of the C1 and C2 compiler threads and of the rest, per connection;
# compilations so far, methods made not entrant so far (-XX:+PrintCompilation), the code cache's used/max_used and
# its full_count, and RSS. After the rounds: the sweeper's statistics (flushed methods) and the JVM's
# code cache summary at exit. Used for docs/benchmarks.md, "The code cache and the JIT compiler".
#
# Usage: bench/experiments/jit-rounds.sh ROUNDS DURATION CONNECTIONS "OPTS A" ["OPTS B" ...]
# Environment: JAR (default the jar built from this tree). MALLOC_ARENA_MAX defaults to 2, as in the launcher.
# Run it under the build lock with `flock -o` (it starts background processes).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=$1; DURATION=$2; CONNS=$3; shift 3
. bench/lib.sh
bench_start jit
bench_need nginx wrk curl
jar=${JAR:-lvs-examples/target/lvs-examples-0.1.0-SNAPSHOT-all.jar}
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
BACKEND=18381; PORT=18392
mkdir -p "$work/www"; printf 'ok\n' > "$work/www/small"
nginx_backend $BACKEND
wait_port $BACKEND
hz=$(getconf CLK_TCK)

# threads PID -> "eventloop c1 c2 other" user ticks (a thread's name is in /proc/PID/task/TID/comm)
threads() {
  local t comm u e=0 c1=0 c2=0 o=0
  for t in /proc/"$1"/task/*; do
    comm=$(cat "$t/comm" 2>/dev/null) || continue
    u=$(awk '{ sub(/^.*\) /, ""); print $12 }' "$t/stat" 2>/dev/null) || continue
    case $comm in
      C1\ Compiler*) c1=$((c1 + u)) ;; C2\ Compiler*) c2=$((c2 + u)) ;;
      lvs4j-*) e=$((e + u)) ;;
      *) o=$((o + u)) ;;
    esac
  done
  echo "$e $c1 $c2 $o"
}

n=0
for opts in "$@"; do
  n=$((n + 1))
  out=$work/lvs4j-$n.out
  # shellcheck disable=SC2086
  java $opts -XX:+UnlockDiagnosticVMOptions -XX:+PrintCompilation -XX:+PrintMethodFlushingStatistics \
    -XX:+PrintCodeCache -Xlog:codecache=info:file="$work/codecache-$n.log" -jar "$jar" forward \
    --listen 127.0.0.1:$PORT --real 127.0.0.1:$BACKEND --scheduler rr --threads 1 > "$out" 2>&1 &
  pid=$!; pids+=("$pid")
  wait_port $PORT
  [ "$(curl -s "http://127.0.0.1:$PORT/small")" = ok ] || { echo "lvs4j does not serve /small" >&2; exit 1; }
  echo "== options: $opts"
  echo "   threads: $(for t in /proc/$pid/task/*; do cat "$t/comm"; done | sort | uniq -c | awk '{printf "%s x%s; ", $2" "$3, $1}')"
  printf '%5s %7s %7s %7s %6s %6s %6s %6s %7s %7s %s\n' round req/s user sys loop C1 C2 other compiles notentr 'code cache (KiB) / RSS'
  for round in $(seq "$ROUNDS"); do
    read -r u0 s0 < <(awk '{print $14, $15}' "/proc/$pid/stat"); read -r e0 a0 b0 o0 < <(threads "$pid")
    res=$(wrk -t1 -c"$CONNS" -d"$DURATION" -H 'Connection: close' "http://127.0.0.1:$PORT/small")
    read -r u1 s1 < <(awk '{print $14, $15}' "/proc/$pid/stat"); read -r e1 a1 b1 o1 < <(threads "$pid")
    reqs=$(echo "$res" | awk '/requests in/ {print $1}'); rps=$(echo "$res" | awk '/Requests\/sec/ {printf "%.0f", $2}')
    cc=$(jcmd "$pid" Compiler.codecache 2>/dev/null | tr '\n' ' ')
    used=$(echo "$cc" | grep -o 'used=[0-9]*Kb' | head -1 | tr -dc 0-9); maxu=$(echo "$cc" | grep -o 'max_used=[0-9]*Kb' | tr -dc 0-9)
    full=$(echo "$cc" | grep -o 'full_count=[0-9]*' | tr -dc 0-9)
    compiles=$(jcmd "$pid" PerfCounter.print 2>/dev/null | awk -F= '/sun.ci.totalCompiles=/ {print $2}')
    ne=$(grep -c 'made not entrant' "$out" || true)
    rss=$(awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$pid/status")
    awk -v r="$round" -v q="$rps" -v n="$reqs" -v hz="$hz" -v u=$((u1 - u0)) -v s=$((s1 - s0)) -v e=$((e1 - e0)) \
      -v a=$((a1 - a0)) -v b=$((b1 - b0)) -v o=$((o1 - o0)) -v c="$compiles" -v ne="$ne" -v cu="$used" -v cm="$maxu" \
      -v f="$full" -v rss="$rss" 'function us(t) { return t * 1000000 / hz / n }
      BEGIN { printf "%5d %7d %7.1f %7.1f %6.1f %6.1f %6.1f %6.1f %7d %7d used %d max_used %d full_count %s, RSS %s MiB\n",
              r, q, us(u), us(s), us(e), us(a), us(b), us(o), c, ne, cu, cm, f, rss }'
  done
  jstat -compiler "$pid" | sed 's/^/   jstat: /'
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "   at exit: $(grep -E 'flushed methods|full sweeps|Total size of flushed|CodeCache:|full_count|stopped_count' "$out" | xargs)"
  grep -c 'made not entrant' "$out" | sed 's/^/   made not entrant (whole run): /'
  grep -iE 'CodeCache is full|Compiler has been disabled' "$out" | head -3 || true
  grep -c 'made not entrant' "$work/codecache-$n.log" >/dev/null 2>&1 || true
done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r); $(date -u '+%F %T') UTC"
echo "wrk -t1 -c$CONNS -d$DURATION -H 'Connection: close', $ROUNDS rounds per option set, one nginx $(nginx -v 2>&1 | awk -F/ '{print $2}') backend; jar $jar"
echo "work directory: $work"; trap - EXIT; bench_cleanup
