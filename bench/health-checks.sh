#!/usr/bin/env bash
# One health monitor checking N real servers (loopback addresses 127.0.x.y, one nginx answering all of them), for TCP
# and HTTP checks; prints checks per second and the process's CPU. Installs nginx when missing (needs root).
# Usage: bench/health-checks.sh [N=1000] [INTERVAL_MS=1000] [SECONDS=20]
# LVS4J_BENCH_JAR=path runs an already built benchmarks jar (e.g. a copy of an older commit's) instead of building.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}; INTERVAL=${2:-1000}; SECONDS_=${3:-20}
command -v nginx >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; }
work=$(mktemp -d /tmp/lvs4j-health.XXXXXX); chmod 755 "$work"; mkdir -p "$work/www"; echo ok > "$work/www/index.html"
cat > "$work/nginx.conf" <<CONF
worker_processes 1; daemon off; pid $work/nginx.pid; error_log $work/nginx.err warn;
events { worker_connections 8192; }
http { access_log off; server { listen 18500 backlog=4096; root $work/www; } }
CONF
nginx -c "$work/nginx.conf" -p "$work" & NGINX=$!
trap 'kill $NGINX 2>/dev/null || true' EXIT
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.9/18500) 2>/dev/null && break; sleep 0.1; done
jar=${LVS4J_BENCH_JAR:-jmh/target/benchmarks.jar}
[ -n "${LVS4J_BENCH_JAR:-}" ] || ./mvnw -q -B -DskipTests -Djacoco.skip=true -pl jmh -am package
for kind in tcp http; do
  java -Xmx256m -cp "$jar" io.lvs4j.jmh.HealthCheckLoad "$kind" 18500 "$N" "$INTERVAL" "$SECONDS_"
done
