#!/usr/bin/env bash
# Holds N UDP flows (N clients, one socket each, one datagram each way) through `lvs4j forward --udp` (heap fixed at
# 64 MiB, serial collector) to a Python echo server on loopback, and reports the director's live heap after a full GC,
# its RSS and its descriptors before the flows (one probe flow) and while they are held, and per flow.
# Usage: [TRANSPORT=auto|io_uring|epoll|nio] [UDP_FLOWS_JAVA_OPTS=...] bench/udp-flows.sh [N=9000] [IDLE_SECONDS=10]. N is at most 9,500: the client holds one descriptor per flow,
# the director one more, and the hard `ulimit -n` here is 20,000.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
N=${1:-9000}; IDLE=${2:-10}
[ "$N" -ge 1 ] && [ "$N" -le 9500 ] || { echo "N must be 1..9500" >&2; exit 2; }
ulimit -n "$(ulimit -Hn)"
bench_start udp-flows
python3 - <<'PY' & pids+=($!)
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 18192))
while True:
    data, peer = s.recvfrom(2048); s.sendto(data, peer)
PY
LVS4J_JAVA_OPTS="${UDP_FLOWS_JAVA_OPTS:--Xms64m -Xmx64m -XX:+UseSerialGC}" ./lvs4j forward --udp \
  --listen 127.0.0.1:18393 --real 127.0.0.1:18192 --scheduler rr --threads 2 --max-flows $((N + 100)) \
  --transport "${TRANSPORT:-auto}" > "$work/director.out" 2>&1 &
LVS=$!; pids+=($LVS)  # ./lvs4j execs java, so the job is the director
python3 - <<'PY'  # one probe flow: the director answers, and its classes are loaded before the baseline
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(0.5)
for _ in range(120):
    try:
        s.sendto(b"probe", ("127.0.0.1", 18393)); s.recvfrom(64); break
    except OSError:
        time.sleep(0.5)
else:
    raise SystemExit("the director does not answer")
PY
measure() {  # LABEL: live heap after a full GC (KiB), RSS (KiB), descriptors
  jcmd "$LVS" GC.run >/dev/null
  local heap rss fds
  heap=$(jcmd "$LVS" GC.heap_info | awk '/generation/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i+1); sub("K,?", "", v); s += v } } END { print s }')
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$LVS/status")
  fds=$(ls "/proc/$LVS/fd" | wc -l)
  echo "$1 $heap $rss $fds"
}
base=$(measure before); echo "$base" >&2
python3 - "$N" "$IDLE" > "$work/client.out" 2>&1 <<'PY' &
import socket, sys, time
n, idle = int(sys.argv[1]), float(sys.argv[2]); socks = []
replied = 0
for i in range(n):  # one flow at a time, so that no socket buffer overflows
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(1)
    s.sendto(b"flow %d" % i, ("127.0.0.1", 18393)); socks.append(s)
    try:
        replied += s.recvfrom(64)[0] == b"flow %d" % i
    except OSError:
        pass
print("opened", n, "replied", replied, flush=True)
time.sleep(idle)
ok = 0
for i, s in enumerate(socks[::100]):
    s.settimeout(1); s.sendto(b"again", ("127.0.0.1", 18393))
    try:
        ok += s.recvfrom(64)[0] == b"again"
    except OSError:
        pass
print("answered again", ok, "of", len(socks[::100]), flush=True)
PY
CLIENT=$!
until grep -q opened "$work/client.out" 2>/dev/null; do kill -0 $CLIENT 2>/dev/null || break; sleep 0.5; done
held=$(measure held)
wait $CLIENT; cat "$work/client.out"
echo "$base"; echo "$held"
echo "$base $held" | awk -v n="$N" '{ printf "flows: %d; live heap %d -> %d KiB (%.0f bytes per flow); RSS %d -> %d KiB (%.1f KiB per flow); descriptors %d -> %d\n", n, $2, $6, ($6 - $2) * 1024 / n, $3, $7, ($7 - $3) / n, $4, $8 }'
grep -i -E "error|exception" "$work/director.out" | head -5 || true
