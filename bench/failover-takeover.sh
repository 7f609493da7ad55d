#!/usr/bin/env bash
# How long after kill -9 of a ZooKeeper-failover master the standby serves: an in-process ZooKeeper server and two
# 'lvs4j forward --failover zookeeper' processes on loopback.
# Usage: bench/zookeeper-takeover.sh [RUNS=10] [SESSION_MS=6000]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-10}; SESSION=${2:-6000}
./mvnw -q -B -DskipTests -Djacoco.skip=true -pl jmh,lvs-examples -am package
mkdir -p bench/results
java -Xmx256m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp jmh/target/benchmarks.jar \
    io.lvs4j.jmh.ZooKeeperTakeover lvs-examples/target/lvs-examples-0.1.0-SNAPSHOT-all.jar "$RUNS" "$SESSION" | tee "bench/results/zookeeper-takeover-$(date +%Y%m%d-%H%M%S).txt"
