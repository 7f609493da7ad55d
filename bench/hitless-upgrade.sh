#!/usr/bin/env bash
# Hitless upgrade against a plain restart: a steady connection-per-request load and a keep-alive load (two wrk runs at
# once) through `lvs4j forward` in front of one nginx backend on loopback; AT seconds into the load the forwarder is
# replaced. Hitless: a second `lvs4j forward --upgrade-socket` takes the listening socket from the first, which stops
# accepting, drains and exits. Baseline: SIGTERM to the first (it stops accepting, waits --stop-grace), then a new
# process starts once it has exited (what `systemctl restart` does). Prints, for each: wrk's failed connects, read and
# write errors (resets) and timeouts of both loads, the new process's time from start to serving, and when the old one
# exited. Bounded: every run lasts DURATION plus at most the grace. Installs nginx and wrk when missing (needs root).
#
# Usage: bench/hitless-upgrade.sh [DURATION=20] [AT=5] [CONNECTIONS=20] [GRACE=30s] [STOP_GRACE=2s]
# Environment: LVS4J_JAVA_OPTS (default: the options ./lvs4j gives, as users get them).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/hitless-lib.sh "$@"  # the arguments, lib.sh, $jar, $java_opts and MALLOC_ARENA_MAX as ./lvs4j sets it
bench_start hitless
bench_need nginx wrk
./mvnw -q -B -DskipTests -Djacoco.skip=true -pl lvs-examples -am package  # always: the jar must match the sources
BACKEND=18181; VIP=18180
hitless_backend

# forward NAME [OPTIONS...]: starts `lvs4j forward` in the background, its output in $work/NAME.out; sets $fwd_pid.
forward() {
  local name=$1; shift
  # shellcheck disable=SC2086
  java $java_opts -jar "$jar" forward --listen 127.0.0.1:$VIP --real 127.0.0.1:$BACKEND --scheduler rr --threads 1 \
    --events "$@" > "$work/$name.out" 2>&1 & fwd_pid=$!; pids+=($fwd_pid)
}
# serving_at NAME: the epoch seconds of NAME's first "serving" event (event lines carry epoch milliseconds), waiting
# up to 20 s for it.
serving_at() {
  for _ in $(seq 200); do
    local t; t=$(awk '$1 == "event" && $3 == "serving" { printf "%.6f\n", $2 / 1000; exit }' "$work/$1.out")
    [ -n "$t" ] && { echo "$t"; return; }
    sleep 0.1
  done
  echo "$1 did not serve within 20 s" >&2; cat "$work/$1.out" >&2; exit 1
}
report() { # NAME T_REPLACE SERVING OLD_EXIT
  printf '%-9s per-request: %s\n' "$1" "$(errors "$work/$1-close.wrk")"
  printf '%-9s keep-alive:  %s\n' "$1" "$(errors "$work/$1-keep.wrk")"
  awk -v r="$2" -v s="$3" -v e="$4" -v n="$1" 'BEGIN {
    printf "%-9s new process: start to serving %.2f s; old process exited %.2f s after the new one started\n",
      n, s - r, e - r }'
}

# --- hitless: the new process takes the listening socket over the upgrade socket --------------------------------
forward old --upgrade-socket "$work/run/upgrade.sock" --upgrade-grace "$GRACE"; old=$fwd_pid
serving_at old > /dev/null
load hitless
sleep "$AT"
t_new=$(now)
forward new --upgrade-socket "$work/run/upgrade.sock" --upgrade-grace "$GRACE"; new=$fwd_pid
t_serving=$(serving_at new)
wait "$old" || true; t_old_exit=$(now)
wait "$wrk_close" "$wrk_keep"
report hitless "$t_new" "$t_serving" "$t_old_exit"
grep -h "handed over\|adopted\|exiting" "$work/old.out" "$work/new.out" | sed 's/^/  /' || true
kill -TERM "$new"; wait "$new" || true

# --- baseline: stop, then start ------------------------------------------------------------------------------------
forward old2 --stop-grace "$STOP_GRACE"; old=$fwd_pid
serving_at old2 > /dev/null
load restart
sleep "$AT"
t_new=$(now)  # the restart begins: SIGTERM, wait for the exit, start the new process
kill -TERM "$old"; wait "$old" || true; t_old_exit=$(now)
forward new2 --stop-grace "$STOP_GRACE"; new=$fwd_pid
t_serving=$(serving_at new2)
wait "$wrk_close" "$wrk_keep"
report restart "$t_new" "$t_serving" "$t_old_exit"
kill -TERM "$new"; wait "$new" || true
