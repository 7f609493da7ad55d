#!/usr/bin/env bash
# One health monitor checking N real servers (loopback addresses 127.0.x.y, one nginx answering all of them), for TCP
# and HTTP checks; prints checks per second and the process's CPU over SECONDS that start WARMUP_S after the checks
# do (so the JIT's compiling is over), with that window's CPU per thread group. Installs nginx when missing (needs root).
# Usage: bench/health-checks.sh [N=1000] [INTERVAL_MS=1000] [SECONDS=15] [WARMUP_S=25]
# LVS4J_BENCH_JAR=path runs an already built benchmarks jar (e.g. a copy of an older commit's) instead of building.
# KINDS="tcp http" (default) chooses the checks. The JVM gets the options ./lvs4j gives a director (its default_opts)
# unless LVS4J_JAVA_OPTS is set, as for ./lvs4j. PROFILE=cpu|alloc|itimer profiles the measured window with
# async-profiler (Maven Central's tools.profiler:async-profiler, AP_VERSION default 4.2) and prints its top frames;
# the collapsed stacks stay in the work directory (the profile covers the window but its last second).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
N=${1:-1000}; INTERVAL=${2:-1000}; SECONDS_=${3:-15}; WARMUP=${4:-25}
java_opts=${LVS4J_JAVA_OPTS-$(launcher_opts)}
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
command -v nginx >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; }
work=$(mktemp -d /tmp/lvs4j-health.XXXXXX); chmod 755 "$work"; mkdir -p "$work/www"; echo ok > "$work/www/index.html"
cat > "$work/nginx.conf" <<CONF
worker_processes 1; daemon off; pid $work/nginx.pid; error_log $work/nginx.err warn;
events { worker_connections 8192; }
http { access_log off; server { listen 18500 backlog=4096; root $work/www; } }
CONF
nginx -c "$work/nginx.conf" -p "$work" & NGINX=$!
java=
trap 'kill $NGINX $java 2>/dev/null || true' EXIT
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.9/18500) 2>/dev/null && break; sleep 0.1; done
jar=${LVS4J_BENCH_JAR:-jmh/target/benchmarks.jar}
[ -n "${LVS4J_BENCH_JAR:-}" ] || ./mvnw -q -B -DskipTests -Djacoco.skip=true -pl jmh -am package
if [ -n "${PROFILE:-}" ]; then
  ./mvnw -q -B dependency:copy -Dartifact="tools.profiler:async-profiler:${AP_VERSION:-4.2}" -DoutputDirectory="$work/ap"
  (cd "$work/ap" && unzip -q -o ./*.jar linux-x64/libasyncProfiler.so)
fi
for kind in ${KINDS:-tcp http}; do
  # shellcheck disable=SC2086
  java $java_opts -cp "$jar" io.lvs4j.jmh.HealthCheckLoad "$kind" 18500 "$N" "$INTERVAL" "$SECONDS_" "$WARMUP" &
  java=$!
  if [ -n "${PROFILE:-}" ]; then
    sleep "$WARMUP"
    opts="start,event=$PROFILE"; [ "$PROFILE" = alloc ] && opts+=",alloc=16k" || opts+=",interval=1ms"
    jcmd "$java" JVMTI.agent_load "$work/ap/linux-x64/libasyncProfiler.so" "\"$opts\"" >/dev/null
    sleep "$((SECONDS_ - 1))"  # the JVM ends after SECONDS_
    out=$work/$kind-$PROFILE.collapsed
    jcmd "$java" JVMTI.agent_load "$work/ap/linux-x64/libasyncProfiler.so" "\"stop,file=$out,collapsed\"" >/dev/null
    echo "== $kind $PROFILE: frames by own samples (self), then lvs4j/Netty frames with their callees (total): $out"
    ap_top "$out" 'io/lvs4j|io/netty/(bootstrap|handler|channel/(Default|Abstract|nio))'
  fi
  wait "$java"
done
[ -z "${PROFILE:-}" ] || echo "work directory: $work"
