#!/usr/bin/env bash
# How long after kill -9 of a master director its standby serves (and, for vrrp, after a graceful resignation): two
# 'lvs4j forward --failover vrrp|zookeeper --events' processes on loopback (an in-process ZooKeeper for zookeeper).
# Usage: bench/failover-takeover.sh vrrp|zookeeper [RUNS=10] [ADVERT_MS=100 | SESSION_MS=6000]
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:?vrrp or zookeeper}; RUNS=${2:-10}; TIMING=${3:-}
./mvnw -q -B -DskipTests -Djacoco.skip=true -pl jmh,lvs-examples -am package
mkdir -p bench/results
# shellcheck disable=SC2086
java -Xmx256m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp jmh/target/benchmarks.jar \
    io.lvs4j.jmh.FailoverTakeover lvs-examples/target/lvs-examples-0.1.0-SNAPSHOT-all.jar "$MODE" "$RUNS" $TIMING \
    | tee "bench/results/failover-takeover-$MODE-$(date +%Y%m%d-%H%M%S).txt"
