#!/usr/bin/env bash
# A flood of one-datagram UDP flows from fresh source ports of 127.0.0.1 through `lvs4j forward --udp` (under
# `ulimit -n`) to a UDP echo server, with a new client asking every 0.25 s meanwhile. Reports the director's peak
# descriptors, its flow counters (SIGUSR2 table), its WARN lines, and how many of the new clients were answered.
# Usage: bench/udp-flood.sh [FLOWS=70000] [SECONDS=8] [ULIMIT=4096] [extra lvs4j forward options...]
set -euo pipefail
cd "$(dirname "$0")/.."
FLOWS=${1:-70000}; SECS=${2:-8}; LIMIT=${3:-4096}; shift $(( $# < 3 ? $# : 3 ))
work=$(mktemp -d /tmp/lvs4j-udp-flood.XXXXXX)  # kept: director.out and director.err for a closer look
python3 - <<'PY' > "$work/echo.out" 2>&1 &
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 18491))
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
while True:
    data, peer = s.recvfrom(2048)
    try:
        s.sendto(data, peer)
    except OSError:
        pass
PY
ECHO=$!
(ulimit -n "$LIMIT"; exec ./lvs4j forward --udp --listen 127.0.0.1:18490 --real 127.0.0.1:18491 --threads 2 "$@") \
  > "$work/director.out" 2> "$work/director.err" & LVS=$!
trap 'kill $LVS $ECHO 2>/dev/null || true; wait 2>/dev/null || true' EXIT
for _ in $(seq 150); do grep -q "lvs4j forward: at most" "$work/director.out" 2>/dev/null && break; sleep 0.2; done
baseline=$(ls /proc/$LVS/fd | wc -l)
( peak=0; while kill -0 $LVS 2>/dev/null; do n=$(ls /proc/$LVS/fd 2>/dev/null | wc -l); [ "$n" -gt "$peak" ] && peak=$n;
  echo "$peak" > "$work/peak"; sleep 0.1; done ) & SAMPLER=$!
python3 - "$FLOWS" "$SECS" <<'PY'
import socket, sys, threading, time
flows, secs = int(sys.argv[1]), float(sys.argv[2]); to = ("127.0.0.1", 18490)
asked = answered = 0; done = False
def fresh_clients():
    global asked, answered
    while not done:
        c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); c.settimeout(1.0)
        asked += 1
        c.sendto(b"fresh", to)
        try:
            if c.recv(64) == b"fresh":
                answered += 1
        except OSError:
            pass
        c.close(); time.sleep(0.25)
t = threading.Thread(target=fresh_clients); t.start()
start = time.time()
for i in range(flows):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(b"f", to); s.close()
    if i % 500 == 499:
        ahead = start + secs * (i + 1) / flows - time.time()
        if ahead > 0:
            time.sleep(ahead)
took = time.time() - start
done = True; t.join()
print(f"flood: {flows} one-datagram flows in {took:.1f} s; fresh clients answered during the flood: {answered}/{asked}")
c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); c.settimeout(1.0); c.sendto(b"fresh", to)
try:
    print("fresh client after the flood:", "answered" if c.recv(64) == b"fresh" else "wrong answer")
except OSError:
    print("fresh client after the flood: no answer in 1 s")
PY
kill -USR2 $LVS; sleep 1
kill $SAMPLER 2>/dev/null || true
echo "director descriptors: $baseline at start, peak $(cat "$work/peak") (ulimit -n $LIMIT)"
grep -E "^UDP|limits:" "$work/director.out" | tail -2
echo "WARN lines: $(grep -c WARN "$work/director.err" || true); exceptions: $(grep -c -i exception "$work/director.err" || true)"
grep WARN "$work/director.err" | cut -c1-240 || true
