# Shared by bench/hitless-upgrade.sh and bench/hitless-pair.sh, sourced from the project root with the script's
# arguments (`. bench/hitless-lib.sh "$@"`): their arguments, the JVM options and the jar; then, once bench_start has
# made $work and $BACKEND and $VIP are set, hitless_backend (one nginx backend), the two wrk loads and their error
# counts.
#
# Arguments (both scripts): [DURATION=20] [AT=5] [CONNECTIONS=20] [GRACE=30s] [STOP_GRACE=2s]; -h or --help prints the
# script's usage. Environment: LVS4J_JAVA_OPTS (default: the options ./lvs4j gives, as users get them).

. bench/lib.sh
bench_help "$@"
DURATION=${1:-20}
AT=${2:-5}
CONNS=${3:-20}
GRACE=${4:-30s}
STOP_GRACE=${5:-2s}
[[ $DURATION =~ ^[0-9]+$ && $CONNS =~ ^[0-9]+$ && $AT =~ ^[0-9]+(\.[0-9]+)?$ ]] \
  || { echo "$0: DURATION and CONNECTIONS are whole numbers and AT a number of seconds (see --help)" >&2; exit 2; }
jar=lvs-examples/target/lvs-examples-0.1.0-SNAPSHOT-all.jar
java_opts=${LVS4J_JAVA_OPTS-$(launcher_opts)}
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}

# hitless_backend: starts the nginx backend on $BACKEND and waits for it; the upgrade socket's directory $work/run.
hitless_backend() {
  mkdir -p "$work/www" "$work/nginx" "$work/run"
  chmod 700 "$work/run"  # the upgrade socket's directory must be private
  printf 'ok\n' > "$work/www/small"
  cat > "$work/nginx/nginx.conf" <<CONF
worker_processes 1; daemon off; pid $work/nginx/nginx.pid; error_log $work/nginx/err warn;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000; keepalive_timeout 120s;
  server { listen 127.0.0.1:$BACKEND backlog=4096; root $work/www; } }
CONF
  nginx -c "$work/nginx/nginx.conf" -p "$work" & pids+=($!)
  wait_port "$BACKEND"
}

now() { date +%s.%N; }
# errors FILE: wrk's failed connects, read errors, write errors and timeouts, and its request count.
errors() {
  awk '/Socket errors/ { gsub(",", ""); c=$4; r=$6; w=$8; t=$10 } / requests in / { n=$1 }
       END { printf "connect %d read %d write %d timeout %d (of %d requests)", c, r, w, t, n }' "$1"
}
load() { # starts both wrk loads; sets $wrk_close and $wrk_keep
  wrk -t1 -c"$CONNS" -d"${DURATION}s" -H 'Connection: close' "http://127.0.0.1:$VIP/small" > "$work/$1-close.wrk" 2>&1 &
  wrk_close=$!; pids+=($wrk_close)
  wrk -t1 -c"$CONNS" -d"${DURATION}s" "http://127.0.0.1:$VIP/small" > "$work/$1-keep.wrk" 2>&1 &
  wrk_keep=$!; pids+=($wrk_keep)
}
