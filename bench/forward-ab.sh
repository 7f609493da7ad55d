#!/usr/bin/env bash
# A/B probe: two `lvs4j forward` processes from the same jar, A and B, that differ only in their JVM options or
# transport, in front of one nginx backend on loopback. wrk loads A and B in turn, A first in odd rounds and B first in
# even ones; prints each round and the medians of req/s, p99 latency and forwarder CPU microseconds per request (and
# its user part), with B's ratio to A, and how much each JVM compiled. Used to decide whether a change pays
# (see bench/experiments/ and docs/benchmarks.md). Installs nginx and wrk from Debian's packages when
# they are missing (needs root).
#
# Usage: bench/forward-ab.sh [ROUNDS=5] [DURATION=6s] [CASE...]
#   CASE: "keepalive small", "close small", "keepalive 16k", "keepalive 1m" (default: all four)
# Environment: A_OPTS, B_OPTS (JVM options of each, after JAVA_OPTS, which both get: default the options ./lvs4j gives,
# as users get them, with its MALLOC_ARENA_MAX=2; JAVA_OPTS= (set, empty) gives neither any; the earlier runs in
# docs/benchmarks.md that name no options had JAVA_OPTS="-Xms512m -Xmx512m -XX:+UseParallelGC"), A_TRANSPORT,
# B_TRANSPORT (default auto), CONNECTIONS (default 50), A_JAR, B_JAR (default the jar built from this tree: set one to a
# copy of an older build to A/B a code change), NO_BUILD=1 (use the jars as they are).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_help "$@"
ROUNDS=${1:-5}
DURATION=${2:-6s}
shift $(( $# < 2 ? $# : 2 ))
CASES=("$@")
[ ${#CASES[@]} -gt 0 ] || CASES=("keepalive small" "close small" "keepalive 16k" "keepalive 1m")
CONNS=${CONNECTIONS:-50}
[[ $ROUNDS =~ ^[1-9][0-9]*$ && $CONNS =~ ^[1-9][0-9]*$ ]] \
  || { echo "$0: ROUNDS and CONNECTIONS are whole numbers above 0 (see --help)" >&2; exit 2; }
java_opts=${JAVA_OPTS-$(launcher_opts)}
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}  # as ./lvs4j sets it
bench_start ab
bench_need nginx wrk curl
jar=lvs-examples/target/lvs-examples-0.1.0-SNAPSHOT-all.jar
[ -n "${NO_BUILD:-}" ] || ./mvnw -q -B -DskipTests -Djacoco.skip=true -pl lvs-examples -am package  # by default: the jar must match the sources

BACKEND=18181; PORT_A=18192; PORT_B=18193
mkdir -p "$work/www"
printf 'ok\n' > "$work/www/small"
head -c 16384 /dev/zero | tr '\0' 'x' > "$work/www/16k"
head -c 1048576 /dev/zero | tr '\0' 'x' > "$work/www/1m"
nginx_backend $BACKEND

start() { # PORT TRANSPORT OPTS JAR -> pid
  # shellcheck disable=SC2086
  java $java_opts $3 -jar "$4" forward --listen 127.0.0.1:"$1" \
    --real 127.0.0.1:$BACKEND --scheduler rr --threads 1 --transport "$2" > "$work/$1.out" 2>&1 &
  echo $!
}
pid_a=$(start $PORT_A "${A_TRANSPORT:-auto}" "${A_OPTS:-}" "${A_JAR:-$jar}"); pids+=("$pid_a")
pid_b=$(start $PORT_B "${B_TRANSPORT:-auto}" "${B_OPTS:-}" "${B_JAR:-$jar}"); pids+=("$pid_b")
for port in $BACKEND $PORT_A $PORT_B; do wait_port $port; done
for port in $PORT_A $PORT_B; do
  for page in small 16k 1m; do
    [ "$(curl -s "http://127.0.0.1:$port/$page" | sha256sum)" = "$(sha256sum < "$work/www/$page")" ] \
      || { echo "port $port does not relay /$page byte for byte" >&2; exit 1; }
  done
done

run() { # PORT PID PATH MODE -> "req/s cpu_us_per_req p99_us user_us_per_req"
  local hdr=() t0 t1 u0 u1 out
  [ "$4" = close ] && hdr=(-H "Connection: close")
  t0=$(cpu_ticks "$2"); u0=$(awk '{print $14}' "/proc/$2/stat")
  out=$(wrk -t1 -c"$CONNS" -d"$DURATION" --latency "${hdr[@]}" "http://127.0.0.1:$1/$3")
  t1=$(cpu_ticks "$2"); u1=$(awk '{print $14}' "/proc/$2/stat")
  if echo "$out" | grep -q -E 'Non-2xx|Socket errors'; then echo "$1: $(echo "$out" | grep -E 'Non-2xx|Socket errors')" >&2; fi
  local rps n p99
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  n=$(echo "$out" | awk '/requests in/ {print $1}')
  p99=$(to_us "$(echo "$out" | awk '$1=="99%" {print $2}')")
  awk -v r="$rps" -v d=$((t1 - t0)) -v u=$((u1 - u0)) -v n="$n" -v hz="$(getconf CLK_TCK)" -v p="$p99" \
    'BEGIN { printf "%.0f %.1f %.0f %.1f", r, d * 1000000 / hz / n, p, u * 1000000 / hz / n }'
}
echo "A: transport ${A_TRANSPORT:-auto}, options '$java_opts ${A_OPTS:-}', jar ${A_JAR:-$jar}; B: transport ${B_TRANSPORT:-auto}, options '$java_opts ${B_OPTS:-}', jar ${B_JAR:-$jar}"
for case in "${CASES[@]}"; do
  mode=${case% *}; path=${case#* }
  # warm-up: both JVMs compile their hot paths on this case before anything counts
  run $PORT_A "$pid_a" "$path" "$mode" >/dev/null; run $PORT_B "$pid_b" "$path" "$mode" >/dev/null
  ra=(); rb=(); ca=(); cb=(); pa=(); pb=(); ua=(); ub=()
  for round in $(seq "$ROUNDS"); do
    # the order alternates (A first in odd rounds, B first in even ones): a run leaves the next one tens of thousands
    # of TIME_WAIT sockets on loopback, so a fixed order would favour whoever goes first
    if [ $((round % 2)) = 1 ]; then
      read -r r c p u <<<"$(run $PORT_A "$pid_a" "$path" "$mode")"
      read -r r2 c2 p2 u2 <<<"$(run $PORT_B "$pid_b" "$path" "$mode")"
    else
      read -r r2 c2 p2 u2 <<<"$(run $PORT_B "$pid_b" "$path" "$mode")"
      read -r r c p u <<<"$(run $PORT_A "$pid_a" "$path" "$mode")"
    fi
    ra+=("$r"); ca+=("$c"); pa+=("$p"); ua+=("$u"); rb+=("$r2"); cb+=("$c2"); pb+=("$p2"); ub+=("$u2")
    printf '%-16s round %d: A %8s req/s %7s us/req (user %5s) p99 %6s us   B %8s req/s %7s us/req (user %5s) p99 %6s us\n' \
      "$case" "$round" "$r" "$c" "$u" "$p" "$r2" "$c2" "$u2" "$p2"
  done
  mra=$(printf '%s\n' "${ra[@]}" | median); mrb=$(printf '%s\n' "${rb[@]}" | median)
  mca=$(printf '%s\n' "${ca[@]}" | median); mcb=$(printf '%s\n' "${cb[@]}" | median)
  mpa=$(printf '%s\n' "${pa[@]}" | median); mpb=$(printf '%s\n' "${pb[@]}" | median)
  mua=$(printf '%s\n' "${ua[@]}" | median); mub=$(printf '%s\n' "${ub[@]}" | median)
  awk -v c="$case" -v a="$mra" -v b="$mrb" -v x="$mca" -v y="$mcb" -v p="$mpa" -v q="$mpb" \
    'BEGIN { printf "%-16s median:  A %8.0f req/s %7.1f us/req p99 %6.0f us   B %8.0f req/s %7.1f us/req p99 %6.0f us   B/A req/s %.2f, CPU %.2f, p99 %.2f\n", c, a, x, p, b, y, q, b / a, y / x, q / p }'
  awk -v c="$case" -v a="$mua" -v b="$mub" \
    'BEGIN { printf "%-16s median user CPU: A %.1f us/req, B %.1f us/req, B/A %.2f\n", c, a, b, b / a }'
done
for x in A B; do  # how much the JIT compiled over the whole run (its work shows in the first rounds' user time)
  p=$([ $x = A ] && echo "$pid_a" || echo "$pid_b")
  echo "$x: $(jcmd "$p" PerfCounter.print 2>/dev/null | awk -F= '/sun.ci.totalCompiles=/ {print $2}') JIT compilations; code cache: $(jcmd "$p" Compiler.codecache 2>/dev/null | grep -m1 -o 'used=[0-9]*Kb max_used=[0-9]*Kb free=[0-9]*Kb' || true)"
done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r); $(date -u +%F)"
echo "wrk -t1 -c$CONNS -d$DURATION, $ROUNDS rounds (A first in odd ones, B in even ones), one nginx $(nginx -v 2>&1 | awk -F/ '{print $2}') backend"
