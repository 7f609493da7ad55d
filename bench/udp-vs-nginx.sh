#!/usr/bin/env bash
# UDP load benchmark: DNS queries from dnsperf (DNS-OARC's, from Debian) through nginx's stream module (`listen ...
# udp`, `proxy_responses 1`, `worker_processes THREADS`) and `./lvs4j forward --udp` (the launcher's default JVM
# options unless LVS4J_JAVA_OPTS is set; `--threads THREADS`), round robin over the same three BIND 9 `named`
# (authoritative for one small zone, recursion off, one worker thread each) on loopback.
# Both contenders end a UDP flow once it has one reply per query: nginx with `proxy_responses 1`, lvs4j with
# `--udp-responses 1` (the same semantics: replies are counted per client datagram, and the session/flow and its
# upstream socket go away right after the last owed reply is relayed; a later datagram from the same client port is a
# new session, scheduled afresh). LVS4J_UDP_RESPONSES=0 runs lvs4j without
# the limit (flows live until they expire or are evicted), as the runs before the option existed did.
# Two flow shapes:
#   long:    one dnsperf for DURATION with CLIENTS sockets (-c, default 1), 100 queries outstanding: long-lived flows
#   perport: dnsperf runs back to back for DURATION, each with 256 sockets sending one query each (-c 256 -n 1 over a
#            256-line file): every query comes from a new socket and so a new source port (dnsperf 2.10 has no option
#            for a new UDP socket per query; its num-queries-per-conn is for TCP, DoT and DoH only). The kernel hands
#            the ports of closed sockets out again, so a port number recurs after some 28,000 sockets.
# Each round runs the forwarders in a rotated order; figures are medians over the rounds: queries/s (answered),
# average latency (dnsperf reports no percentiles), queries lost, the forwarder's CPU microseconds per answered query
# (user + system from /proc, all its processes: a query is one datagram in and one out on each side) and its
# resident memory after the run. `direct` (dnsperf straight to the first named, no forwarder) shows what the load
# generator and one backend reach on their own.
#
# Usage: bench/udp-vs-nginx.sh [--rounds N=5] [--duration SECONDS=10] [--shape long,perport] [--clients C=1]
#                              [--threads T=1] [--forwarders nginx,lvs4j[,lvs4j-uring][,direct]]
# lvs4j runs on epoll (`--transport epoll`): docs/operations.md sends UDP services there (on io_uring a flow's socket
# holds ~169 KiB of heap and the flows are capped at what half the heap holds); lvs4j-uring runs the same on io_uring.
# Environment: LVS4J_JAVA_OPTS (passed to ./lvs4j), LVS4J_UDP_RESPONSES (1; see above), WARMUP (seconds of each shape before the rounds; 5),
#   PROFILE (after the rounds, for the first shape: `cpu`, `alloc` or both comma-separated attach async-profiler
#   AP_VERSION=4.2 from Maven Central to lvs4j for PROFILE_SECONDS=15 of load each and print the top frames, cpu with
#   kernel frames where perf_event_paranoid allows; `strace` counts the system calls of nginx's worker and lvs4j over
#   5 s of load each, `strace -c -f`, which slows them: counts only). Collapsed stacks stay in the work directory.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=5; DURATION=10; SHAPES=long,perport; CLIENTS=1; THREADS=1; FORWARDERS=nginx,lvs4j
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) ROUNDS=$2 ;; --duration) DURATION=${2%s} ;; --shape) SHAPES=$2 ;; --clients) CLIENTS=$2 ;;
    --threads) THREADS=$2 ;; --forwarders) FORWARDERS=$2 ;;
    *) echo "unknown argument $1 (see the usage at the top of $0)" >&2; exit 2 ;;
  esac
  shift 2
done
. bench/lib.sh
bench_start udp
bench_need nginx dnsperf named nginx-stream
ulimit -n "$(ulimit -Hn)"
./lvs4j --version >/dev/null 2>&1 || true  # the launcher builds the jar when a source is newer

BACKENDS=(18531 18532 18533)
NGINX=18541; LVS4J=18542; LVS4J_URING=18543

# The zone every named serves, and the queries: names that exist, one that does not.
cat > "$work/example.test.zone" <<'ZONE'
$TTL 300
@     IN SOA ns.example.test. hostmaster.example.test. 1 3600 600 86400 300
@     IN NS  ns
@     IN MX  10 mail
ns    IN A   192.0.2.53
www   IN A   192.0.2.1
mail  IN A   192.0.2.2
api   IN A   192.0.2.3
api   IN AAAA 2001:db8::3
ZONE
printf '%s\n' "www.example.test A" "mail.example.test A" "example.test MX" "api.example.test AAAA" \
  "api.example.test A" "example.test SOA" "ns.example.test A" "nothere.example.test A" > "$work/queries"
for _ in $(seq 32); do cat "$work/queries"; done > "$work/queries256"
for port in "${BACKENDS[@]}"; do
  mkdir -p "$work/named-$port"
  cat > "$work/named-$port/named.conf" <<CONF
options { directory "$work/named-$port"; pid-file "$work/named-$port/named.pid";
  listen-on port $port { 127.0.0.1; }; listen-on-v6 { none; }; recursion no; dnssec-validation no;
  session-keyfile "$work/named-$port/session.key"; managed-keys-directory "$work/named-$port"; };
controls { };
zone "example.test" { type primary; file "$work/example.test.zone"; };
CONF
  named -g -n 1 -c "$work/named-$port/named.conf" > "$work/named-$port/log" 2>&1 & pids+=($!)
done

cat > "$work/nginx.conf" <<CONF
worker_processes $THREADS; daemon off; pid $work/nginx.pid; error_log $work/nginx.err warn;
load_module /usr/lib/nginx/modules/ngx_stream_module.so;
events { worker_connections 20000; }
stream { upstream dns { server 127.0.0.1:${BACKENDS[0]}; server 127.0.0.1:${BACKENDS[1]};
  server 127.0.0.1:${BACKENDS[2]}; }
  server { listen 127.0.0.1:$NGINX udp; proxy_pass dns; proxy_responses 1; proxy_timeout 5s; } }
CONF
has() { [[ ,$FORWARDERS, == *,$1,* ]]; }
if has nginx; then nginx -c "$work/nginx.conf" -p "$work" & pids+=($!); nginx_pid=$!; fi
reals=(--real "127.0.0.1:${BACKENDS[0]}" --real "127.0.0.1:${BACKENDS[1]}" --real "127.0.0.1:${BACKENDS[2]}"
  --udp-responses "${LVS4J_UDP_RESPONSES:-1}")
if has lvs4j; then
  ./lvs4j forward --udp --listen 127.0.0.1:$LVS4J "${reals[@]}" --scheduler rr --threads "$THREADS" \
    --transport epoll > "$work/lvs4j.out" 2>&1 & pids+=($!); lvs4j_pid=$!
fi
if has lvs4j-uring; then
  ./lvs4j forward --udp --listen 127.0.0.1:$LVS4J_URING "${reals[@]}" --scheduler rr --threads "$THREADS" \
    --transport io_uring > "$work/lvs4j-uring.out" 2>&1 & pids+=($!); uring_pid=$!
fi

port_of() { case $1 in nginx) echo $NGINX ;; lvs4j) echo $LVS4J ;; lvs4j-uring) echo $LVS4J_URING ;; direct) echo "${BACKENDS[0]}" ;; esac; }
# every forwarder and backend answers before anything is measured (a JVM takes a few seconds to start)
for f in ${FORWARDERS//,/ }; do
  for _ in $(seq 60); do
    dnsperf -s 127.0.0.1 -p "$(port_of "$f")" -d "$work/queries" -n 1 -t 1 2>/dev/null | grep -q 'Queries completed: *8 ' \
      && continue 2
    sleep 0.5
  done
  echo "$f (port $(port_of "$f")) does not answer" >&2; exit 1
done
for f in lvs4j lvs4j-uring; do [ -f "$work/$f.out" ] && echo "$f: $(grep -m1 'at most' "$work/$f.out")" >&2; done

procs() { case $1 in nginx) pgrep -P "$nginx_pid" | xargs ;; lvs4j) echo "$lvs4j_pid" ;; lvs4j-uring) echo "$uring_pid" ;; direct) echo ;; esac; }
ticks() { local p u=0 s=0; for p in $(procs "$1"); do read -r a b < <(awk '{print $14, $15}' "/proc/$p/stat"); u=$((u + a)); s=$((s + b)); done; echo "$u $s"; }
rss_mb() { local p k=0; for p in $(procs "$1"); do k=$((k + $(awk '/VmRSS/ {print $2}' "/proc/$p/status"))); done; awk -v k=$k 'BEGIN { printf "%.1f", k / 1024 }'; }

# load SHAPE PORT SECONDS -> "completed lost seconds avg_latency_s" (one dnsperf, or many back to back)
load() {
  local shape=$1 port=$2 secs=$3
  if [ "$shape" = long ]; then
    dnsperf -s 127.0.0.1 -p "$port" -d "$work/queries" -c "$CLIENTS" -q 100 -t 2 -l "$secs" 2>&1 | awk '
      /Queries completed:/ { c = $3 } /Queries lost:/ { l = $3 } /Run time/ { t = $4 } /Average Latency/ { a = $4 }
      END { print c, l, t, a }'
  else
    local end=$((SECONDS + secs)) start
    start=$(date +%s.%N)
    while [ $SECONDS -lt $end ]; do
      dnsperf -s 127.0.0.1 -p "$port" -d "$work/queries256" -c 256 -q 256 -n 1 -t 1 2>&1 | awk '
        /Queries completed:/ { c = $3 } /Queries lost:/ { l = $3 } /Average Latency/ { a = $4 } END { print c, l, a }'
    done | awk -v s="$start" '{ c += $1; l += $2; w += $1 * $3 }
      END { "date +%s.%N" | getline now; print c, l, now - s, (c ? w / c : 0) }'
  fi
}

# run FORWARDER SHAPE -> "qps latency_us lost cpu_us usr_us sys_us rss_MB"
run() {
  local f=$1 shape=$2 u0 s0 u1 s1 c l t a
  read -r u0 s0 <<<"$(ticks "$f")"
  read -r c l t a <<<"$(load "$shape" "$(port_of "$f")" "$DURATION")"
  read -r u1 s1 <<<"$(ticks "$f")"
  awk -v c="$c" -v l="$l" -v t="$t" -v a="$a" -v du=$((u1 - u0)) -v ds=$((s1 - s0)) -v hz="$(getconf CLK_TCK)" \
    -v m="$(rss_mb "$f")" 'BEGIN { k = 1000000 / hz / (c ? c : 1);
      printf "%.0f %.0f %d %.1f %.1f %.1f %s", c / t, a * 1000000, l, (du + ds) * k, du * k, ds * k, m }'
}

# warm-up: every forwarder, each shape, WARMUP (5) s each (the JVM compiles its hot paths)
for f in ${FORWARDERS//,/ }; do for shape in ${SHAPES//,/ }; do load "$shape" "$(port_of "$f")" "${WARMUP:-5}" >/dev/null; done; done

read -r -a FWD <<<"${FORWARDERS//,/ }"
n=${#FWD[@]}
printf '%-8s %-12s %8s %8s %7s %7s %7s %7s %7s %6s %6s\n' shape forwarder q/s lat_us lost cpu_us usr_us sys_us \
  rss_MB x_q x_cpu
for shape in ${SHAPES//,/ }; do
  declare -A R=()
  for round in $(seq "$ROUNDS"); do
    line=""
    for i in $(seq 0 $((n - 1))); do
      f=${FWD[$(( (round - 1 + i) % n ))]}
      R[$f,$round]=$(run "$f" "$shape")
      line="$line | $f ${R[$f,$round]}"
    done
    echo "  $shape round $round:$line" >&2
  done
  round_medians "${FWD[@]}"
  for f in "${FWD[@]}"; do
    g=${f//-/_}; c1=M_${g}_1; c2=M_${g}_2; c3=M_${g}_3; c4=M_${g}_4; c5=M_${g}_5; c6=M_${g}_6; c7=M_${g}_7
    xq=-; xc=-
    if has nginx && [ "$f" != direct ]; then
      xq=$(awk -v a="${!c1}" -v b="$M_nginx_1" 'BEGIN { printf "%.2f", a / b }')
      xc=$(awk -v a="${!c4}" -v b="$M_nginx_4" 'BEGIN { printf "%.2f", a / b }')
    fi
    printf '%-8s %-12s %8s %8s %7s %7s %7s %7s %7s %6s %6s\n' "$shape" "$f" "${!c1}" "${!c2}" "${!c3}" "${!c4}" \
      "${!c5}" "${!c6}" "${!c7}" "$xq" "$xc"
  done
  unset R
done
if [ -n "${PROFILE:-}" ]; then
  shape=${SHAPES%%,*}
  if [[ ,$PROFILE, =~ ,(cpu|alloc), ]] && has lvs4j; then
    ap_dir=$work/async-profiler
    ./mvnw -q -B dependency:copy -Dartifact="tools.profiler:async-profiler:${AP_VERSION:-4.2}" -DoutputDirectory="$ap_dir"
    (cd "$ap_dir" && unzip -q -o ./*.jar linux-x64/libasyncProfiler.so)
    for event in cpu alloc; do
      [[ ,$PROFILE, == *,$event,* ]] || continue
      jcmd "$lvs4j_pid" JVMTI.agent_load "$ap_dir/linux-x64/libasyncProfiler.so" \
        "\"start,$([ "$event" = alloc ] && echo event=alloc,alloc=64k || echo event=cpu,interval=100us)\"" >/dev/null
      echo "== lvs4j $shape under $event profile: q/s lat_us lost cpu_us usr_us sys_us rss_MB: $(DURATION=${PROFILE_SECONDS:-15} run lvs4j "$shape")"
      jcmd "$lvs4j_pid" JVMTI.agent_load "$ap_dir/linux-x64/libasyncProfiler.so" \
        "\"stop,file=$work/$event.collapsed,collapsed\"" >/dev/null
      echo "== $event: top frames by own samples (self) and with their callees (total), $work/$event.collapsed"
      ap_top "$work/$event.collapsed" 'io/lvs4j|io/netty/(bootstrap|handler|channel/(Default|Abstract|epoll))'
    done
  fi
  if [[ ,$PROFILE, == *,strace,* ]]; then
    for f in nginx lvs4j; do
      has "$f" || continue
      p=$(procs "$f"); p=${p%% *}
      timeout -s INT 5 strace -c -f -p "$p" -o "$work/strace-$f.txt" & st=$!
      load "$shape" "$(port_of "$f")" 5 > "$work/strace-$f.load"; wait "$st" || true
      echo "== strace -c -f of $f over 5 s of $shape load (completed lost seconds latency: $(cat "$work/strace-$f.load"))"
      head -25 "$work/strace-$f.txt"
    done
  fi
  echo "work directory: $work"
fi
for f in lvs4j lvs4j-uring; do [ -f "$work/$f.out" ] && grep -i -m3 -E 'evict|drop|error|exception' "$work/$f.out" >&2 || true; done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r); $(date -u '+%F %H:%M UTC'); commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- lvs-forward lvs4j || echo '+changes')"
echo "dnsperf $(dnsperf -h 2>&1 | awk '/^Version/ {print $2}') ${DURATION}s per run (long: -c $CLIENTS -q 100; perport: -c 256 -n 1 back to back), medians of $ROUNDS rounds in rotated order, $THREADS thread(s) each; nginx $(nginx -v 2>&1 | awk -F/ '{print $2}'), named $(named -v | awk '{print $2}') x3 (-n 1); lvs4j options '${LVS4J_JAVA_OPTS:-launcher defaults}' --udp-responses ${LVS4J_UDP_RESPONSES:-1} (nginx proxy_responses 1)"
