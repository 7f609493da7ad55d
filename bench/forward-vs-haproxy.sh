#!/usr/bin/env bash
# Load benchmark: the same wrk load through HAProxy (mode tcp), nginx (stream) and `./lvs4j forward` (the launcher's
# default JVM options unless LVS4J_JAVA_OPTS is set), each with THREADS threads (HAProxy nbthread, nginx
# worker_processes, lvs4j --threads), in front of three nginx backends on loopback. Each round runs the three
# forwarders in a rotated order (round 1: HAProxy, nginx, lvs4j; round 2: nginx, lvs4j, HAProxy; ...): a run leaves
# tens of thousands of TIME_WAIT sockets on loopback that slow the next forwarder's connects, so a fixed order would
# favour whoever goes first. Each figure is the median over the rounds. Prints req/s, p50, p99, the forwarder's CPU
# microseconds per request (user + system from /proc, all its processes), split into user and system, its resident
# memory after the run, and the ratios to HAProxy and to the better (rate) and lower (CPU) of the two peers.
# Installs haproxy, nginx and wrk from Debian's packages when they are missing (needs root).
#
# Usage: bench/forward-vs-haproxy.sh [--rounds N=5] [--duration D=8s] [--conns C[,C...]=50,64]
#                                    [--mode close|keepalive|keepalive16k[,...]=close,keepalive] [--threads T=1]
#                                    [--warmup S=20]
#        bench/forward-vs-haproxy.sh ROUNDS DURATION CONNECTIONS     (the older positional form: all three modes)
# Environment: LVS4J_JAVA_OPTS (passed to ./lvs4j), LVS4J_TRANSPORT=auto|epoll|io_uring|nio (default auto).
# Warm-up: lvs4j gets 5 s of keep-alive load and S seconds of connection-per-request load before the first round. Its
# JIT compiler works for about a minute of such load on this 2-core machine (user time per connection halves over the
# first four 6 s rounds of bench/forward-ab.sh after a 6 s warm-up); before 2026-11-27 15:00 UTC S was 5.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=5; DURATION=8s; CONNS_LIST=50,64; MODES=close,keepalive; THREADS=1; WARMUP=20
if [ $# -gt 0 ] && [[ $1 != --* ]]; then
  ROUNDS=${1:-3}; DURATION=${2:-10s}; CONNS_LIST=${3:-50}; MODES=keepalive,close,keepalive16k
else
  while [ $# -gt 0 ]; do
    case $1 in
      --rounds) ROUNDS=$2 ;; --duration) DURATION=$2 ;; --conns) CONNS_LIST=$2 ;; --mode) MODES=$2 ;;
      --threads) THREADS=$2 ;; --warmup) WARMUP=$2 ;;
      *) echo "unknown argument $1 (see the usage at the top of $0)" >&2; exit 2 ;;
    esac
    shift 2
  done
fi
. bench/lib.sh
bench_start bench
bench_need curl haproxy nginx wrk nginx-stream
./lvs4j --version >/dev/null 2>&1 || true  # the launcher builds the jar when a source is newer

BACKENDS=(18081 18082 18083)
HAPROXY=18090; NGINX=18091; LVS4J=18092

# Three backends: one nginx worker each, a small body and a 16 KiB body.
mkdir -p "$work/www" "$work/nginx-stream"
printf 'ok\n' > "$work/www/small"
head -c 16384 /dev/zero | tr '\0' 'x' > "$work/www/16k"
for port in "${BACKENDS[@]}"; do nginx_backend "$port"; done

haproxy_cfg $HAPROXY "${BACKENDS[@]}" | sed "s/nbthread 1/nbthread $THREADS/" > "$work/haproxy.cfg"
haproxy -f "$work/haproxy.cfg" -db & pids+=($!); haproxy_pid=$!

nginx_stream_cfg nginx-stream/nginx $NGINX "${BACKENDS[@]}" | sed "s/worker_processes 1;/worker_processes $THREADS;/" \
  > "$work/nginx-stream/nginx.conf"
nginx -c "$work/nginx-stream/nginx.conf" -p "$work" & pids+=($!); nginx_pid=$!

./lvs4j forward --listen 127.0.0.1:$LVS4J \
  --real 127.0.0.1:${BACKENDS[0]} --real 127.0.0.1:${BACKENDS[1]} --real 127.0.0.1:${BACKENDS[2]} \
  --scheduler rr --threads "$THREADS" --transport "${LVS4J_TRANSPORT:-auto}" > "$work/lvs4j.out" 2>&1 & pids+=($!)
lvs4j_pid=$!

for port in $HAPROXY $NGINX $LVS4J "${BACKENDS[@]}"; do wait_port $port; done
# Every forwarder must serve the real pages before anything is measured.
for port in $HAPROXY $NGINX $LVS4J; do
  [ "$(curl -s "http://127.0.0.1:$port/small")" = ok ] || { echo "port $port does not serve /small" >&2; exit 1; }
  [ "$(curl -s "http://127.0.0.1:$port/16k" | wc -c)" = 16384 ] || { echo "port $port does not serve /16k" >&2; exit 1; }
done
# nginx forwards in its worker processes (the master only supervises): their CPU and memory count.
procs() { case $1 in haproxy) echo "$haproxy_pid" ;; lvs4j) echo "$lvs4j_pid" ;; nginx) pgrep -P "$nginx_pid" | xargs ;; esac; }
ticks() { local p u=0 s=0; for p in $(procs "$1"); do read -r a b < <(awk '{print $14, $15}' "/proc/$p/stat"); u=$((u + a)); s=$((s + b)); done; echo "$u $s"; }
rss_mb() { local p k=0; for p in $(procs "$1"); do k=$((k + $(awk '/VmRSS/ {print $2}' "/proc/$p/status"))); done; awk -v k=$k 'BEGIN { printf "%.1f", k / 1024 }'; }
port_of() { case $1 in haproxy) echo $HAPROXY ;; nginx) echo $NGINX ;; lvs4j) echo $LVS4J ;; esac; }

# run FORWARDER PATH MODE CONNS -> "reqs p50us p99us cpuus userus sysus rssMB"
run() {
  local f=$1 path=$2 mode=$3 conns=$4 hdr=() u0 s0 u1 s1 out
  [ "$mode" = close ] && hdr=(-H "Connection: close")
  read -r u0 s0 <<<"$(ticks "$f")"
  out=$(wrk -t1 -c"$conns" -d"$DURATION" --latency "${hdr[@]}" "http://127.0.0.1:$(port_of "$f")/$path")
  read -r u1 s1 <<<"$(ticks "$f")"
  if echo "$out" | grep -q -E 'Non-2xx|Socket errors'; then echo "$f: $(echo "$out" | grep -E 'Non-2xx|Socket errors')" >&2; fi
  local reqs total p50 p99
  reqs=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  total=$(echo "$out" | awk '/requests in/ {print $1}')
  p50=$(to_us "$(echo "$out" | awk '$1=="50%" {print $2}')")
  p99=$(to_us "$(echo "$out" | awk '$1=="99%" {print $2}')")
  awk -v r="$reqs" -v a="$p50" -v b="$p99" -v du=$((u1 - u0)) -v ds=$((s1 - s0)) -v n="$total" \
    -v hz="$(getconf CLK_TCK)" -v m="$(rss_mb "$f")" \
    'BEGIN { k = 1000000 / hz / n; printf "%s %s %s %.1f %.1f %.1f %s", r, a, b, (du + ds) * k, du * k, ds * k, m }'
}

# warm-up (the JVM compiles its hot paths), both kinds of load
wrk -t1 -c50 -d5s "http://127.0.0.1:$LVS4J/small" >/dev/null
wrk -t1 -c50 -d"${WARMUP}s" -H "Connection: close" "http://127.0.0.1:$LVS4J/small" >/dev/null

FWD=(haproxy nginx lvs4j)
printf '%-16s %4s %-8s %9s %8s %8s %7s %7s %7s %7s %6s %6s %7s %7s\n' case c forwarder req/s p50_us p99_us \
  cpu_us usr_us sys_us rss_MB x_req x_cpu x_best x_low
for mode in ${MODES//,/ }; do
  case $mode in close) path=small; m=close ;; keepalive) path=small; m=keepalive ;; keepalive16k) path=16k; m=keepalive ;;
    *) echo "unknown mode $mode" >&2; exit 2 ;; esac
  for conns in ${CONNS_LIST//,/ }; do
    declare -A R=()
    for round in $(seq "$ROUNDS"); do
      for i in 0 1 2; do
        f=${FWD[$(( (round - 1 + i) % 3 ))]}
        R[$f,$round]=$(run "$f" "$path" "$m" "$conns")
      done
      echo "  $mode -c$conns round $round: haproxy ${R[haproxy,$round]} | nginx ${R[nginx,$round]} | lvs4j ${R[lvs4j,$round]}" >&2
    done
    round_medians "${FWD[@]}"
    best=$(awk -v a="$M_haproxy_1" -v b="$M_nginx_1" 'BEGIN { print (a > b ? a : b) }')
    low=$(awk -v a="$M_haproxy_4" -v b="$M_nginx_4" 'BEGIN { print (a < b ? a : b) }')
    for f in "${FWD[@]}"; do
      c1=M_${f}_1; c2=M_${f}_2; c3=M_${f}_3; c4=M_${f}_4; c5=M_${f}_5; c6=M_${f}_6; c7=M_${f}_7
      printf '%-16s %4s %-8s %9.0f %8.0f %8.0f %7s %7s %7s %7s %6s %6s %7s %7s\n' "$mode" "$conns" "$f" "${!c1}" "${!c2}" \
        "${!c3}" "${!c4}" "${!c5}" "${!c6}" "${!c7}" \
        "$(awk -v a="${!c1}" -v b="$M_haproxy_1" 'BEGIN { printf "%.2f", a / b }')" \
        "$(awk -v a="${!c4}" -v b="$M_haproxy_4" 'BEGIN { printf "%.2f", a / b }')" \
        "$(awk -v a="${!c1}" -v b="$best" 'BEGIN { printf "%.2f", a / b }')" \
        "$(awk -v a="${!c4}" -v b="$low" 'BEGIN { printf "%.2f", a / b }')"
    done
    unset R
  done
done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r); $(date -u +%F); commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- lvs-forward lvs4j || echo '+changes')"
echo "wrk -t1 -d$DURATION, medians of $ROUNDS rounds in rotated order, $THREADS thread(s) each, lvs4j warmed up for 5 s + ${WARMUP} s; haproxy $(haproxy -v | head -1 | awk '{print $3}'), nginx $(nginx -v 2>&1 | awk -F/ '{print $2}'); lvs4j options '${LVS4J_JAVA_OPTS:-launcher defaults}'"
