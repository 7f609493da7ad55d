# Helpers shared by the bench scripts; each sources this file after changing to the project root.

# bench_help "$@": when the first argument is -h or --help, prints the calling script's leading comment (what it does,
# its usage and environment) and exits 0; call it from the project root. Sourcing this file defines functions only, so
# a script may do it before it reads its arguments.
bench_help() {
  case ${1:-} in
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "bench/${0##*/}"; exit 0 ;;
  esac
}

# bench_start NAME: makes the work directory $work (readable by nginx's unprivileged workers) and the list $pids of
# processes that are stopped when the script exits.
bench_start() {
  work=$(mktemp -d "/tmp/lvs4j-$1.XXXXXX")
  chmod 755 "$work"
  pids=()
  trap bench_cleanup EXIT
}

bench_cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }

# bench_need TOOL...: installs the missing ones from Debian's packages (needs root); nginx-stream is nginx's stream
# module.
bench_need() {
  local need=() t
  for t in "$@"; do
    case $t in
      nginx-stream) [ -f /usr/lib/nginx/modules/ngx_stream_module.so ] || need+=(libnginx-mod-stream) ;;
      *) command -v "$t" >/dev/null || need+=("$t") ;;
    esac
  done
  if [ ${#need[@]} -gt 0 ]; then
    echo "installing ${need[*]} from Debian's packages" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  fi
}

# wait_port PORT: until something accepts on 127.0.0.1:PORT, at most 10 s.
wait_port() { for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return; sleep 0.1; done; }

# cpu_ticks PID: the process's user + system time, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# to_us VALUE: one of wrk's durations (850.00us, 1.20ms, 2.00s) in microseconds.
to_us() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) print v+0; else if (v ~ /ms$/) print (v+0)*1000; else if (v ~ /s$/) print (v+0)*1000000; else print v }'; }

# The JVM options ./lvs4j gives a director (its default_opts lines, evaluated), so that a bench runs what users get.
launcher_opts() { bash -c "$(grep '^default_opts=' lvs4j)"'; printf %s "$default_opts"'; }

# median: of the numbers on standard input, one a line (the lower middle one of an even count).
median() { sort -n | awk '{a[NR]=$1} END { print a[int((NR+1)/2)] }'; }

# round_medians FORWARDER...: for each forwarder F, the median over rounds 1..$ROUNDS of each of the first seven
# columns of ${R[F,round]} (an associative array R the caller fills), as the globals M_F_1 .. M_F_7 (a - in F
# becomes _).
round_medians() {
  local f col round v
  for f in "$@"; do
    for col in 1 2 3 4 5 6 7; do
      v=$(for round in $(seq "$ROUNDS"); do echo "${R[$f,$round]}" | awk -v c=$col '{print $c}'; done | median)
      declare -g "M_${f//-/_}_${col}=$v"
    done
  done
}

# haproxy_cfg PORT BACKEND_PORT...: HAProxy in mode tcp on 127.0.0.1:PORT with one thread, round robin over the
# backends on 127.0.0.1.
haproxy_cfg() {
  local port=$1 i=0 b
  shift
  printf 'global\n  nbthread 1\n  maxconn 8000\ndefaults\n  mode tcp\n  timeout connect 5s\n  timeout client 60s\n'
  printf '  timeout server 60s\nfrontend fe\n  bind 127.0.0.1:%s\n  default_backend be\nbackend be\n' "$port"
  printf '  balance roundrobin\n'
  for b in "$@"; do i=$((i + 1)); printf '  server s%d 127.0.0.1:%s\n' "$i" "$b"; done
}

# nginx_stream_cfg NAME PORT BACKEND_PORT...: nginx's stream module with one worker on 127.0.0.1:PORT, round robin over
# the backends on 127.0.0.1; its pid and error log are $work/NAME.pid and $work/NAME.err.
nginx_stream_cfg() {
  local name=$1 port=$2 b
  shift 2
  printf 'worker_processes 1; daemon off; pid %s; error_log %s warn;\n' "$work/$name.pid" "$work/$name.err"
  if [ -f /usr/lib/nginx/modules/ngx_stream_module.so ]; then
    printf 'load_module /usr/lib/nginx/modules/ngx_stream_module.so;\n'
  fi
  printf 'events { worker_connections 20000; }\nstream { upstream be {'
  for b in "$@"; do printf ' server 127.0.0.1:%s;' "$b"; done
  printf ' }\n  server { listen 127.0.0.1:%s backlog=4096; proxy_pass be; } }\n' "$port"
}

# nginx_backend PORT: one nginx worker serving $work/www on 127.0.0.1:PORT (keep-alive without a request limit), in
# the background; its pid joins $pids.
nginx_backend() {
  cat > "$work/backend-$1.conf" <<CONF
worker_processes 1; daemon off; pid $work/backend-$1.pid; error_log $work/backend-$1.err warn;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000;
  server { listen 127.0.0.1:$1 reuseport backlog=4096; root $work/www; } }
CONF
  nginx -c "$work/backend-$1.conf" -p "$work" & pids+=($!)
}

# ap_top FILE PATTERN: of async-profiler's collapsed stacks in FILE, the frames with the most own samples (self), then
# those matching PATTERN with their callees (total); leaves FILE.self and FILE.total beside it.
ap_top() {
  awk '{ n = $NF; $NF = ""; sub(/ $/, ""); k = split($0, f, ";"); self[f[k]] += n; total += n
         delete seen; for (i = 1; i <= k; i++) if (!(f[i] in seen)) { seen[f[i]] = 1; incl[f[i]] += n } }
       END { for (s in self) printf "self  %6.2f%% %s\n", 100 * self[s] / total, s > "/dev/stderr"
             for (s in incl) printf "total %6.2f%% %s\n", 100 * incl[s] / total, s }' \
    "$1" 2> "$1.self" > "$1.total" || true
  sort -k2 -rn "$1.self" | head -25 || true
  grep -E "$2" "$1.total" | sort -k2 -rn | head -40 || true
}
