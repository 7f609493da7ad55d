#!/usr/bin/env bash
# Holds N idle client connections through `lvs4j forward` (heap capped at 64 MiB) to an nginx backend on loopback,
# then reports the director's live heap after a full GC, its RSS, and whether sampled connections still answer.
# Usage: bench/idle-connections.sh [N=9900] [IDLE_SECONDS=25]
# The director holds two descriptors per connection: N must stay under half of `ulimit -n` (20,000 here).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-9900}; IDLE=${2:-25}
command -v nginx >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; }
work=$(mktemp -d /tmp/lvs4j-idle.XXXXXX); chmod 755 "$work"  # nginx's workers run unprivileged
mkdir -p "$work/www"; echo ok > "$work/www/small"
cat > "$work/nginx.conf" <<CONF
worker_processes 1; daemon off; pid $work/nginx.pid; error_log $work/nginx.err warn; worker_rlimit_nofile 19000;
events { worker_connections 15000; }
http { access_log off; keepalive_timeout 600s; server { listen 127.0.0.1:18182 backlog=4096; root $work/www; } }
CONF
nginx -c "$work/nginx.conf" -p "$work" & NGINX=$!
LVS4J_JAVA_OPTS="-Xms64m -Xmx64m -XX:+UseSerialGC" ./lvs4j forward --listen 127.0.0.1:18390 \
  --real 127.0.0.1:18182 --scheduler rr --threads 2 > "$work/director.out" 2>&1 & LVS=$!
trap 'kill $LVS $NGINX 2>/dev/null || true; cat "$work/director.out" | grep -i -E "error|exception" | head -5' EXIT
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/18390) 2>/dev/null && break; sleep 0.2; done
DIRECTOR=$LVS  # ./lvs4j execs java, so the job is the director
python3 - "$N" "$IDLE" > "$work/client.out" 2>&1 <<'PY' &
import socket, sys, time
n, idle = int(sys.argv[1]), float(sys.argv[2]); socks = []
for i in range(n):
    socks.append(socket.create_connection(("127.0.0.1", 18390), timeout=10))
print("opened", n, flush=True)
time.sleep(idle)
ok = 0
for s in socks[::100]:
    s.sendall(b"GET /small HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    data = b""
    while True:
        chunk = s.recv(4096)
        if not chunk: break
        data += chunk
    good = data.startswith(b"HTTP/1.1 200") and data.endswith(b"ok\n")
    if not good and ok == 0:
        print("unexpected answer:", repr(data[:80]), "...", repr(data[-20:]), flush=True)
    ok += good
print("answered", ok, "of", len(socks[::100]), flush=True)
PY
CLIENT=$!
until grep -q opened "$work/client.out" 2>/dev/null; do sleep 0.5; done
sleep 2
jcmd "$DIRECTOR" GC.run >/dev/null
echo "connections: $N; director file descriptors: $(ls /proc/$DIRECTOR/fd | wc -l)"
jcmd "$DIRECTOR" GC.heap_info | awk '/generation|used/ && /total/ {print "  " $0}'
grep VmRSS "/proc/$DIRECTOR/status"
wait $CLIENT; cat "$work/client.out"
