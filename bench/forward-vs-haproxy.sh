#!/usr/bin/env bash
# Load benchmark: the same wrk load through HAProxy (mode tcp), nginx (stream) and `lvs4j forward`, each with one
# thread, in front of three nginx backends on loopback. Runs alternate between the three forwarders; each figure is
# the median of ROUNDS rounds. Prints req/s, p50, p99 and the forwarder's CPU microseconds per request, with ratios to
# HAProxy. Installs haproxy, nginx and wrk from Debian's packages when they are missing (needs root).
#
# Usage: bench/forward-vs-haproxy.sh [ROUNDS=3] [DURATION=10s] [CONNECTIONS=50]
# Environment: LVS4J_TRANSPORT=auto|epoll|io_uring|nio (default auto), LVS4J_JAVA_OPTS (default -Xms512m -Xmx512m -XX:+UseParallelGC).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
DURATION=${2:-10s}
CONNS=${3:-50}
. bench/lib.sh
bench_start bench
bench_need curl haproxy nginx wrk nginx-stream
jar=lvs-examples/target/lvs-examples-0.1.0-SNAPSHOT-all.jar
./mvnw -q -B -DskipTests -Djacoco.skip=true -pl lvs-examples -am package  # always: the jar must match the sources

BACKENDS=(18081 18082 18083)
HAPROXY=18090; NGINX=18091; LVS4J=18092

# Three backends: one nginx worker each, a small body and a 16 KiB body.
mkdir -p "$work/www" "$work/nginx-backend" "$work/nginx-stream"
printf 'ok\n' > "$work/www/small"
head -c 16384 /dev/zero | tr '\0' 'x' > "$work/www/16k"
for port in "${BACKENDS[@]}"; do
  cat > "$work/nginx-backend/$port.conf" <<CONF
worker_processes 1; daemon off; pid $work/nginx-backend/$port.pid; error_log $work/nginx-backend/$port.err warn;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000;
  server { listen 127.0.0.1:$port reuseport backlog=4096; root $work/www; } }
CONF
  nginx -c "$work/nginx-backend/$port.conf" -p "$work" & pids+=($!)
done

haproxy_cfg $HAPROXY "${BACKENDS[@]}" > "$work/haproxy.cfg"
haproxy -f "$work/haproxy.cfg" -db & pids+=($!); haproxy_pid=$!

cat > "$work/nginx-stream/nginx.conf" <<CONF
worker_processes 1; daemon off; pid $work/nginx-stream/nginx.pid; error_log $work/nginx-stream/err warn;
load_module /usr/lib/nginx/modules/ngx_stream_module.so;
events { worker_connections 20000; }
stream { upstream be { server 127.0.0.1:${BACKENDS[0]}; server 127.0.0.1:${BACKENDS[1]};
  server 127.0.0.1:${BACKENDS[2]}; }
  server { listen 127.0.0.1:$NGINX backlog=4096; proxy_pass be; } }
CONF
[ -f /usr/lib/nginx/modules/ngx_stream_module.so ] || sed -i '/load_module/d' "$work/nginx-stream/nginx.conf"
nginx -c "$work/nginx-stream/nginx.conf" -p "$work" & pids+=($!); nginx_pid=$!

java ${LVS4J_JAVA_OPTS:--Xms512m -Xmx512m -XX:+UseParallelGC} -jar "$jar" forward --listen 127.0.0.1:$LVS4J \
  --real 127.0.0.1:${BACKENDS[0]} --real 127.0.0.1:${BACKENDS[1]} --real 127.0.0.1:${BACKENDS[2]} \
  --scheduler rr --threads 1 --transport "${LVS4J_TRANSPORT:-auto}" > "$work/lvs4j.out" 2>&1 & pids+=($!); lvs4j_pid=$!

for port in $HAPROXY $NGINX $LVS4J "${BACKENDS[@]}"; do wait_port $port; done
# Every forwarder must serve the real pages before anything is measured.
for port in $HAPROXY $NGINX $LVS4J; do
  [ "$(curl -s "http://127.0.0.1:$port/small")" = ok ] || { echo "port $port does not serve /small" >&2; exit 1; }
  [ "$(curl -s "http://127.0.0.1:$port/16k" | wc -c)" = 16384 ] || { echo "port $port does not serve /16k" >&2; exit 1; }
done
# The forwarding worker of nginx is its child process.
nginx_worker=$(pgrep -P "$nginx_pid" | head -1 || echo "$nginx_pid")

# run NAME PORT PID PATH MODE -> "reqs p50us p99us cpuus"
run() {
  local port=$2 pid=$3 path=$4 mode=$5 hdr=()
  [ "$mode" = close ] && hdr=(-H "Connection: close")
  local t0 t1 out
  t0=$(cpu_ticks "$pid")
  out=$(wrk -t1 -c"$CONNS" -d"$DURATION" --latency "${hdr[@]}" "http://127.0.0.1:$port/$path")
  if echo "$out" | grep -q -E 'Non-2xx|Socket errors'; then echo "$1: $(echo "$out" | grep -E 'Non-2xx|Socket errors')" >&2; fi
  t1=$(cpu_ticks "$pid")
  local reqs total p50 p99
  reqs=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  total=$(echo "$out" | awk '/requests in/ {print $1}')
  p50=$(to_us "$(echo "$out" | awk '$1=="50%" {print $2}')")
  p99=$(to_us "$(echo "$out" | awk '$1=="99%" {print $2}')")
  local hz; hz=$(getconf CLK_TCK)
  echo "$reqs $p50 $p99 $(awk -v d=$((t1 - t0)) -v n="$total" -v hz="$hz" 'BEGIN { printf "%.1f", d * 1000000 / hz / n }')"
}

# warm-up (the JVM compiles its hot paths)
wrk -t1 -c"$CONNS" -d5s "http://127.0.0.1:$LVS4J/small" >/dev/null
wrk -t1 -c"$CONNS" -d5s -H "Connection: close" "http://127.0.0.1:$LVS4J/small" >/dev/null

printf '%-22s %-8s %10s %9s %9s %9s %8s %8s\n' case forwarder req/s p50_us p99_us cpu_us/req x_req x_cpu
for case in "keepalive small" "close small" "keepalive 16k"; do
  mode=${case% *}; path=${case#* }
  declare -A R=()
  for round in $(seq "$ROUNDS"); do
    for f in haproxy nginx lvs4j; do
      case $f in haproxy) p=$HAPROXY; pid=$haproxy_pid ;; nginx) p=$NGINX; pid=$nginx_worker ;; lvs4j) p=$LVS4J; pid=$lvs4j_pid ;; esac
      R[$f,$round]=$(run "$f" "$p" "$pid" "$path" "$mode")
    done
  done
  for f in haproxy nginx lvs4j; do
    for col in 1 2 3 4; do
      v=$(for round in $(seq "$ROUNDS"); do echo "${R[$f,$round]}" | awk -v c=$col '{print $c}'; done | median)
      declare "M_${f}_${col}=$v"
    done
  done
  for f in haproxy nginx lvs4j; do
    rq=M_${f}_1; p50=M_${f}_2; p99=M_${f}_3; cpu=M_${f}_4
    xr=$(awk -v a="${!rq}" -v b="$M_haproxy_1" 'BEGIN { printf "%.2f", a / b }')
    xc=$(awk -v a="${!cpu}" -v b="$M_haproxy_4" 'BEGIN { printf "%.2f", a / b }')
    printf '%-22s %-8s %10.0f %9.0f %9.0f %9s %8s %8s\n' "$case" "$f" "${!rq}" "${!p50}" "${!p99}" "${!cpu}" "$xr" "$xc"
  done
  unset R
done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r); $(date -u +%F)"
echo "wrk -t1 -c$CONNS -d$DURATION, medians of $ROUNDS alternating rounds; haproxy $(haproxy -v | head -1 | awk '{print $3}'), nginx $(nginx -v 2>&1 | awk -F/ '{print $2}')"
