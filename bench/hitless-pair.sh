#!/usr/bin/env bash
# Hitless upgrade of the master of an active-standby pair, against a plain restart of it: two `lvs4j forward
# --failover vrrp` processes on loopback (master A, priority 150; backup B, 100; 100 ms adverts, one key) in front of
# one nginx backend, a steady connection-per-request load and a keep-alive load (two wrk runs at once) at the virtual
# address the master serves; AT seconds into the load A is replaced. Hitless: a new A started with the same
# --upgrade-socket takes A's listener, VRRP socket, role and advert run; the old A drains and exits. Baseline: SIGTERM
# to A (it resigns, B takes over), then a new A starts once the old one has exited (and, with the higher priority,
# preempts B). Prints, for each: wrk's failed connects, read/write errors (resets) and timeouts of both loads, the role
# changes B went through (its event lines) and the adverts it refused (its WARN lines), the new A's time from start to
# serving, and when the old A exited. Bounded: each run lasts DURATION plus at most the grace; every process started
# here is killed on exit. Installs nginx and wrk when missing (needs root).
#
# Usage: bench/hitless-pair.sh [DURATION=20] [AT=5] [CONNECTIONS=20] [GRACE=30s] [STOP_GRACE=2s]
# Environment: LVS4J_JAVA_OPTS (default: the options ./lvs4j gives, as users get them).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/hitless-lib.sh "$@"  # the arguments, lib.sh, $jar, $java_opts and MALLOC_ARENA_MAX as ./lvs4j sets it
bench_start hitless-pair
bench_need nginx wrk tcpdump
./mvnw -q -B -o -DskipTests -Djacoco.skip=true -pl lvs-examples -am package  # always: the jar must match the sources
BACKEND=18191; VIP=18190; VRRP_A=18195; VRRP_B=18196
hitless_backend
(umask 077; head -c 32 /dev/urandom > "$work/run/group.key")

# node NAME PRIORITY SELF PEER [OPTIONS...]: starts `lvs4j forward --failover vrrp` in the background, its output in
# $work/NAME.out; sets $fwd_pid.
node() {
  local name=$1 prio=$2 self=$3 peer=$4; shift 4
  # shellcheck disable=SC2086
  java $java_opts -jar "$jar" forward --listen 127.0.0.1:$VIP --real 127.0.0.1:$BACKEND --scheduler rr --threads 1 \
    --failover vrrp --router-id 61 --priority "$prio" --advert 100ms --failover-bind 127.0.0.1:"$self" \
    --peer 127.0.0.1:"$peer" --key-file "$work/run/group.key" --events "$@" > "$work/$name.out" 2>&1 &
  fwd_pid=$!; pids+=($fwd_pid)
}
# first_event NAME KIND [WORD]: the epoch seconds of NAME's first event KIND (whose next word is WORD, if given),
# waiting up to 20 s for it.
first_event() {
  for _ in $(seq 200); do
    local t; t=$(awk -v k="$2" -v w="${3:-}" '$1 == "event" && $3 == k && (w == "" || $4 == w) {
      printf "%.6f\n", $2 / 1000; exit }' "$work/$1.out")
    [ -n "$t" ] && { echo "$t"; return; }
    sleep 0.1
  done
  echo "$1: no event $2 $3 within 20 s" >&2; cat "$work/$1.out" >&2; exit 1
}
roles() { awk '$1 == "event" && $3 == "role"' "$work/$1.out" | wc -l; }
role_list() { awk '$1 == "event" && $3 == "role" { printf "%s%s", sep, $4; sep = "," }' "$work/$1.out"; }

report() { # NAME T_REPLACE SERVING OLD_EXIT B_ROLES_BEFORE B_NAME
  printf '%-9s per-request: %s\n' "$1" "$(errors "$work/$1-close.wrk")"
  printf '%-9s keep-alive:  %s\n' "$1" "$(errors "$work/$1-keep.wrk")"
  printf '%-9s peer B: %d role change(s) during the run (%s), %d refused-advert warning(s)\n' "$1" \
    $(( $(roles "$6") - $5 )) "$(role_list "$6")" "$(grep -c 'refused a datagram\|refused [0-9]* more' "$work/$6.out" || true)"
  awk -v r="$2" -v s="$3" -v e="$4" -v n="$1" 'BEGIN {
    printf "%-9s new A: start to serving %.2f s; old A exited %.2f s after the new one started\n", n, s - r, e - r }'
}

# --- hitless: the new A takes A's listener, VRRP socket, role and advert run -----------------------------------------
node A 150 $VRRP_A $VRRP_B --upgrade-socket "$work/run/a.sock" --upgrade-grace "$GRACE"; a=$fwd_pid
first_event A serving > /dev/null
node B 100 $VRRP_B $VRRP_A; b=$fwd_pid
first_event B role BACKUP > /dev/null
b_before=$(roles B)
# every advert that reaches B's port, old A's and new A's alike: the longest silence is the handover's gap
tcpdump -i lo -n -tt -l "udp and dst port $VRRP_B" > "$work/adverts.txt" 2> /dev/null & tcpdump_pid=$!
pids+=($tcpdump_pid)
load hitless
sleep "$AT"
t_new=$(now)
node A2 150 $VRRP_A $VRRP_B --upgrade-socket "$work/run/a.sock" --upgrade-grace "$GRACE"; a2=$fwd_pid
t_serving=$(first_event A2 serving)
wait "$a" || true; t_old_exit=$(now)
wait "$wrk_close" "$wrk_keep"
report hitless "$t_new" "$t_serving" "$t_old_exit" "$b_before" B
kill "$tcpdump_pid" 2> /dev/null || true; wait "$tcpdump_pid" 2> /dev/null || true
awk -v r="$t_new" '{ t = $1 + 0; if (p && t > r && t - p > g) { g = t - p; at = p } p = t; n++ }
  END { printf "hitless   adverts to B: %d; longest gap after the new A started %.1f ms (at +%.2f s; adverts every 100 ms,\n          B takes over after 361 ms of silence)\n", n, g * 1000, at - r }' "$work/adverts.txt"
grep -h "took over the predecessor\|paused as\|handed .* over\|exiting" "$work/A.out" "$work/A2.out" \
  | sed 's/^/  /' || true
kill -TERM "$a2" "$b"; wait "$a2" "$b" || true

# --- baseline: stop A (it resigns: B takes over), then start it again (it preempts B) --------------------------------
node A3 150 $VRRP_A $VRRP_B --stop-grace "$STOP_GRACE"; a=$fwd_pid
first_event A3 serving > /dev/null
node B2 100 $VRRP_B $VRRP_A; b=$fwd_pid
first_event B2 role BACKUP > /dev/null
b_before=$(roles B2)
load restart
sleep "$AT"
t_new=$(now)
kill -TERM "$a"; wait "$a" || true; t_old_exit=$(now)
node A4 150 $VRRP_A $VRRP_B --stop-grace "$STOP_GRACE"; a4=$fwd_pid
t_serving=$(first_event A4 serving)
wait "$wrk_close" "$wrk_keep"
report restart "$t_new" "$t_serving" "$t_old_exit" "$b_before" B2
kill -TERM "$a4" "$b"; wait "$a4" "$b" || true
