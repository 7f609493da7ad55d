#!/usr/bin/env bash
# Runs the scheduler, table-build and persistence benchmarks as recorded in docs/benchmarks.md.
# Usage: bench/jmh-schedulers.sh [extra JMH options]; results go to bench/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f jmh/target/benchmarks.jar ] || ./mvnw -B -q -DskipTests -Djacoco.skip=true -pl jmh -am package
out=bench/results
mkdir -p "$out"
jar=jmh/target/benchmarks.jar
java -jar "$jar" SchedulerPickBenchmark -wi 2 -i 3 -w 1 -r 1 -prof gc -rf json -rff "$out/pick-1t.json" "$@" \
  | tee "$out/pick-1t.txt"
java -jar "$jar" SchedulerPickBenchmark -t 4 -p servers=1000 -p weights=equal \
  -p scheduler=rr,wrr,wlc,dh,sh,mh,random,p2c,ring -wi 2 -i 3 -w 1 -r 1 -rf json -rff "$out/pick-4t.json" "$@" \
  | tee "$out/pick-4t.txt"
java -jar "$jar" TableBuildBenchmark -wi 3 -i 5 -rf json -rff "$out/build.json" "$@" | tee "$out/build.txt"
java -jar "$jar" PersistenceBenchmark -prof gc -rf json -rff "$out/persistence.json" "$@" | tee "$out/persistence.txt"
