#!/usr/bin/env bash
# False failovers of VRRP-style pairs whose adverts cross a lossy link: one pair with 2 adverts per interval (the
# default), one with 1 (plain RFC 5798), both in one JVM inside a network namespace of their own whose nftables input
# hook drops each UDP datagram with probability LOSS. The kernel drops the datagram; nothing re-sends it, so every advert
# that arrives is the sender's own (advert format 2 refuses re-sent ones). Needs root, ip(8) and nft(8) (nftables).
# Usage: bench/vrrp-loss.sh [LOSS=0.2] [MINUTES=10]
set -euo pipefail
cd "$(dirname "$0")/.."
LOSS=${1:-0.2}; MINUTES=${2:-10}
PERMILLE=$(awk -v l="$LOSS" 'BEGIN { printf "%d", l * 1000 + 0.5 }')
if (( PERMILLE < 0 || PERMILLE > 1000 )); then echo "bench/vrrp-loss.sh: LOSS must be 0..1, got $LOSS" >&2; exit 2; fi
for tool in ip nft java; do
    command -v "$tool" >/dev/null || { echo "bench/vrrp-loss.sh: needs $tool (apt-get install iproute2 nftables)" >&2; exit 2; }
done
[[ $(id -u) == 0 ]] || { echo "bench/vrrp-loss.sh: needs root (it creates a network namespace)" >&2; exit 2; }
./mvnw -q -B -DskipTests -Djacoco.skip=true -pl jmh -am package
NS=lvs4j-vrrp-loss-$$
cleanup() { ip netns del "$NS" 2>/dev/null || true; }
trap cleanup EXIT
ip netns add "$NS"
ip -n "$NS" link set lo up
# Per pair, what reached the input hook and what it dropped (2/interval on 127.0.0.2-3, 1/interval on 127.0.0.4-5).
ip netns exec "$NS" nft -f - <<NFT
table inet vrrploss {
  counter seen2 { }
  counter dropped2 { }
  counter seen1 { }
  counter dropped1 { }
  chain input {
    type filter hook input priority 0; policy accept;
    meta l4proto udp ip daddr 127.0.0.2-127.0.0.3 counter name seen2
    meta l4proto udp ip daddr 127.0.0.4-127.0.0.5 counter name seen1
    meta l4proto udp ip daddr 127.0.0.2-127.0.0.3 numgen random mod 1000 < $PERMILLE counter name dropped2 drop
    meta l4proto udp ip daddr 127.0.0.4-127.0.0.5 numgen random mod 1000 < $PERMILLE counter name dropped1 drop
  }
}
NFT
mkdir -p bench/results
OUT=bench/results/vrrp-loss-$(date +%Y%m%d-%H%M%S).txt
echo "loss $LOSS (nftables numgen, $PERMILLE per mille of UDP datagrams dropped at input), $MINUTES minutes" | tee "$OUT"
timeout $(( MINUTES * 60 + 180 )) ip netns exec "$NS" java -Xmx128m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp jmh/target/benchmarks.jar io.lvs4j.jmh.VrrpLoss "$MINUTES" | tee -a "$OUT"
counter() { ip netns exec "$NS" nft list counter inet vrrploss "$1" | awk '/packets/ { print $2 }'; }
for pair in 2 1; do
    seen=$(counter "seen$pair"); dropped=$(counter "dropped$pair")
    awk -v p="$pair" -v s="$seen" -v d="$dropped" 'BEGIN { printf "%s adverts/interval: %d datagrams, %d dropped (%.1f%%)\n", p, s, d, 100 * d / (s ? s : 1) }' | tee -a "$OUT"
done
