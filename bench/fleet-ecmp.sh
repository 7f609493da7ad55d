#!/usr/bin/env bash
# An active-active fleet end to end (docs/scale-out.md): three ActiveActiveDirector processes (mh, real servers from
# the ZooKeeper registry, TCP and UDP on one virtual address) behind a router whose route to the virtual address is a
# Linux resilient nexthop group, kept equal to the live membership by NexthopGroupController. Under a bounded load
# from a client namespace (new TCP connection per request, long-lived TCP connections, long-lived UDP flows), it
# kill -9s one director, then starts it again, and reports what the clients saw.
#
# Root only: it creates the network namespaces ff-client, ff-router, ff-d1..3 and ff-svc (ZooKeeper, the real
# servers, the registry agent and the controller), deletes them at exit (and any left over at start), and stops
# every process it started. Bounded: the load runs LOAD_SECONDS, the whole script at most 5 minutes.
# Usage (benchmarks hold the build lock):
#   flock -o /tmp/lvs4j-build.lock bench/fleet-ecmp.sh [SESSION_MS=3000] [LOAD_SECONDS=40]
set -euo pipefail
# Bounded: whatever happens, the script ends within 5 minutes (timeout sends TERM, which runs the cleanup).
[ -n "${FLEET_ECMP_BOUNDED:-}" ] || FLEET_ECMP_BOUNDED=1 exec timeout -k 10 300 "$0" "$@"
cd "$(dirname "$0")/.."
SESSION_MS=${1:-3000}; LOAD=${2:-40}
[ "$(id -u)" = 0 ] || { echo "fleet-ecmp.sh: needs root (network namespaces)" >&2; exit 1; }
JAR=lvs-examples/target/lvs-examples-0.1.0-SNAPSHOT-all.jar
[ -f "$JAR" ] || ./mvnw -q -B -DskipTests -Djacoco.skip=true -pl lvs-examples -am package
command -v nginx >/dev/null || { echo "fleet-ecmp.sh: needs nginx (apt-get install nginx)" >&2; exit 1; }
. bench/lib.sh

NSS=(ff-client ff-router ff-d1 ff-d2 ff-d3 ff-svc)
VIP=10.10.100.1; PORT=80; ZK=10.10.200.2:2181; RS_PORT=8080
RESILIENT="buckets 64 idle_timer 1 unbalanced_timer 3"
delete_namespaces() { for n in "${NSS[@]}"; do ip netns del "$n" 2>/dev/null || true; done; }
cleanup() {
  local p _
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for _ in $(seq 50); do
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && break; done
    kill -0 "$p" 2>/dev/null || break
    sleep 0.1
  done
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  delete_namespaces
  [ -z "${zkdata:-}" ] || rm -rf "$zkdata"
}
delete_namespaces # idempotent: whatever an interrupted run left
bench_start fleet-ecmp
trap cleanup EXIT
trap 'echo "fleet-ecmp.sh: stopped" >&2; exit 1' TERM INT

for n in "${NSS[@]}"; do ip netns add "$n"; ip -n "$n" link set lo up; done
# link NS IFACE ROUTER_IFACE: a veth pair between NS and the router
link() { ip link add "$2" netns "$1" type veth peer name "$3" netns ff-router; ip -n "$1" link set "$2" up; ip -n ff-router link set "$3" up; }
link ff-client c0 r-c; ip -n ff-router addr add 10.10.1.1/24 dev r-c
ip -n ff-client addr add 10.10.1.2/24 dev c0
for i in $(seq 10 209); do ip -n ff-client addr add "10.10.1.$i/32" dev c0; done # one address per flow: mh hashes it
ip -n ff-client route add default via 10.10.1.1
link ff-svc s0 r-s; ip -n ff-router addr add 10.10.200.1/24 dev r-s
for a in 2 11 12 13; do ip -n ff-svc addr add "10.10.200.$a/24" dev s0; done
ip -n ff-svc route add default via 10.10.200.1
for i in 1 2 3; do
  link "ff-d$i" d0 "r-d$i"; ip -n ff-router addr add "10.10.1$i.1/24" dev "r-d$i"
  ip -n "ff-d$i" addr add "10.10.1$i.2/24" dev d0
  ip -n "ff-d$i" addr add "$VIP/32" dev lo   # the virtual address, local on every director
  ip -n "ff-d$i" route add default via "10.10.1$i.1"
  ip -n ff-router nexthop add id "$i" via "10.10.1$i.2" dev "r-d$i"
done
ip netns exec ff-router sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
    net.ipv4.fib_multipath_hash_policy=1 # hash the 5-tuple, as routers in front of a fleet do

# ZooKeeper (the real one, from the shaded jar), tick 500 ms: sessions of 1..10 s
# Its data on tmpfs, unsynced: an fsync behind other work on a shared disk must not stall session creation.
zkdata=$(mktemp -d /dev/shm/lvs4j-fleet-zk.XXXXXX)
printf 'tickTime=500\ndataDir=%s\nclientPort=2181\nclientPortAddress=10.10.200.2\nadmin.enableServer=false\nminSessionTimeout=1000\nmaxSessionTimeout=10000\nforceSync=no\npreAllocSize=1024\n' "$zkdata" >"$work/zoo.cfg"
JAVA="java -Xmx256m -XX:+UseSerialGC -Dorg.slf4j.simpleLogger.showDateTime=true -Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS"
# ZooKeeper's server needs Dropwizard metrics and snappy, which the runnable jar leaves out: take the copies Maven
# fetched for the tests (curator-test's server depends on them)
m2jar() { ls ~/.m2/repository/"$1"/*/"$2"-*.jar 2>/dev/null | grep -v sources | tail -1; }
ZK_EXTRA="$(m2jar io/dropwizard/metrics/metrics-core metrics-core):$(m2jar org/xerial/snappy/snappy-java snappy-java)"
case $ZK_EXTRA in :*|*:) echo "fleet-ecmp.sh: no metrics-core or snappy-java in ~/.m2: run ./mvnw -pl lvs-failover-zookeeper test-compile" >&2; exit 1 ;; esac
# shellcheck disable=SC2086
ip netns exec ff-svc $JAVA -cp "$JAR:$ZK_EXTRA" org.apache.zookeeper.server.ZooKeeperServerMain "$work/zoo.cfg" >"$work/zk.log" 2>&1 & pids+=($!)

# real servers: nginx (HTTP: answers "NAME DIRECTOR_IP") and a UDP echo on the same addresses and port
{
  printf 'worker_processes 1;\npid %s/nginx.pid;\nerror_log %s/nginx-error.log;\nevents { worker_connections 4096; }\n' "$work" "$work"
  printf 'http {\n  access_log off;\n  keepalive_timeout 300s;\n  keepalive_requests 1000000;\n'
  for r in 1 2 3; do printf '  server { listen 10.10.200.1%s:%s; location / { return 200 "rs%s $remote_addr\\n"; } }\n' "$r" "$RS_PORT" "$r"; done
  printf '}\n'
} >"$work/nginx.conf"
ip netns exec ff-svc nginx -c "$work/nginx.conf" -g 'daemon off;' & pids+=($!)
ip netns exec ff-svc python3 bench/fleet_ecmp.py udp-echo 10.10.200.11:$RS_PORT=rs1 10.10.200.12:$RS_PORT=rs2 10.10.200.13:$RS_PORT=rs3 & pids+=($!)
zk_up() { ip netns exec ff-svc bash -c "exec 3<>/dev/tcp/10.10.200.2/2181" 2>/dev/null; }
for _ in $(seq 150); do zk_up && break; sleep 0.1; done
zk_up || { echo "fleet-ecmp.sh: ZooKeeper did not start:" >&2; tail -5 "$work/zk.log" >&2; exit 1; }

AA=io.lvs4j.examples.directors.ActiveActiveDirector
# shellcheck disable=SC2086
ip netns exec ff-svc $JAVA -cp "$JAR" $AA realserver 10.10.200.11:$RS_PORT,10.10.200.12:$RS_PORT,10.10.200.13:$RS_PORT $ZK 1 >"$work/agent.log" 2>&1 & pids+=($!)
# shellcheck disable=SC2086
ip netns exec ff-svc $JAVA -cp "$JAR" io.lvs4j.examples.directors.NexthopGroupController $ZK ff-router 100 $VIP/32 d1=1 d2=2 d3=3 \
    --session-ms "$SESSION_MS" --resilient "$RESILIENT" >"$work/controller.log" 2>&1 & pids+=($!)
declare -A dpid
start_director() { # shellcheck disable=SC2086
  ip netns exec "ff-d$1" $JAVA -cp "$JAR" $AA director $VIP:$PORT $ZK "d$1" "$SESSION_MS" udp >>"$work/d$1.log" 2>&1 & dpid[$1]=$!; pids+=($!)
}
for i in 1 2 3; do start_director "$i"; done
group() { ip -n ff-router nexthop show id 100 2>/dev/null | awk '{print $4}'; }
# wait_group G SECONDS: until the router's group is G; prints the time it became so
wait_group() { local end=$((SECONDS + $2)); while [ "$(group)" != "$1" ]; do [ $SECONDS -lt $end ] || { echo "group is '$(group)', not $1" >&2; return 1; }; sleep 0.02; done; date +%s.%N; }
wait_group 1/2/3 60 >/dev/null
# buckets NAME: the router's bucket table (one line "INDEX NEXTHOP" a bucket) into $work/buckets-NAME
buckets() { ip -n ff-router nexthop bucket show id 100 | awk '{for (i = 1; i < NF; i++) { if ($i == "index") x = $(i + 1); if ($i == "nhid") n = $(i + 1) } print x, n}' >"$work/buckets-$1"; }
echo "fleet up: $(ip -n ff-router route show $VIP)"
for _ in $(seq 100); do [ "$(ip netns exec ff-client curl -s -m 1 http://$VIP/ | cut -c1-2)" = rs ] && break; sleep 0.1; done

events="$work/events"; out="$work/client.jsonl"
ip netns exec ff-client python3 bench/fleet_ecmp.py client $VIP $PORT 10.10.1.10-10.10.1.209 "$LOAD" "$out" & client=$!; pids+=($!)
kill_at=$((LOAD / 4)); join_at=$((LOAD / 2))
sleep "$kill_at"
buckets up
echo "victim_ip 10.10.12.2" >"$events"
echo "kill $(date +%s.%N)" >>"$events"; kill -9 "${dpid[2]}"
echo "route_kill $(wait_group 1/3 30)" >>"$events"
sleep $((join_at - kill_at))
buckets killed
echo "start $(date +%s.%N)" >>"$events"; start_director 2
echo "join $(wait_group 1/2/3 60)" >>"$events"
wait "$client"
buckets end
mkdir -p bench/results
result="bench/results/fleet-ecmp-$(date +%Y%m%d-%H%M%S).txt"
{
  echo "session ${SESSION_MS} ms, load ${LOAD} s, group: $RESILIENT, commit $(git rev-parse --short HEAD), $(date -u +%FT%TZ)"
  awk -v k="$(awk '$1=="kill"{print $2}' "$events")" '$1!="victim_ip"{printf "%s %+.3f s after the kill\n", $1, $2-k}' "$events"
  python3 bench/fleet_ecmp.py report "$out" "$events" "$work"
  echo "controller:"; grep -h "next hops" "$work/controller.log" || true
} | tee "$result"
