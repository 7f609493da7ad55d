#!/usr/bin/env bash
# False failovers of VRRP-style pairs whose adverts cross a lossy link (real UDP on loopback through dropping relays):
# one pair with 2 adverts per interval (the default), one with 1 (plain RFC 5798).
# Usage: bench/vrrp-loss.sh [LOSS=0.2] [MINUTES=10]
set -euo pipefail
cd "$(dirname "$0")/.."
# Advert format 2 binds each advert to its sender's address and port, so a relay that re-sends it from its own port is
# refused (IDENTITY_MISMATCH) and this benchmark would count refusals, not loss. It needs loss injected without
# re-sending (tc netem on a veth pair in network namespaces) before it measures anything again.
echo "bench/vrrp-loss.sh: not valid for advert format 2 (its relays re-send from their own ports); see the comment" >&2
exit 2
LOSS=${1:-0.2}; MINUTES=${2:-10}
./mvnw -q -B -DskipTests -Djacoco.skip=true -pl jmh -am package
mkdir -p bench/results
java -Xmx128m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp jmh/target/benchmarks.jar io.lvs4j.jmh.VrrpLoss \
    "$LOSS" "$MINUTES" | tee "bench/results/vrrp-loss-$(date +%Y%m%d-%H%M%S).txt"
