# Shared by bench/hitless-upgrade.sh and bench/hitless-pair.sh (sourced after bench/lib.sh and bench_start, with
# $DURATION, $CONNS, $BACKEND and $VIP set): one nginx backend, the two wrk loads and their error counts.

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
