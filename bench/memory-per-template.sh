#!/usr/bin/env bash
# The heap one persistence template holds: io.lvs4j.jmh.PersistenceMemory fills a persistent service's template table
# with N clients and compares the live heap after a full GC before and after. Runs it three times; prints each run.
# Usage: bench/memory-per-template.sh [N=200000] (at most 2,000,000). CP overrides the class path (default: the JMH
# jar, built when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-200000}
CP=${CP:-jmh/target/benchmarks.jar}
[ "$CP" != jmh/target/benchmarks.jar ] || [ -f "$CP" ] \
  || ./mvnw -B -q -DskipTests -Djacoco.skip=true -pl jmh -am package
for _ in 1 2 3; do
  java -XX:+UseSerialGC -Xms512m -Xmx512m -cp "$CP" io.lvs4j.jmh.PersistenceMemory "$N"
done
