#!/usr/bin/env bash
# Stops the engines that infra/local/up.sh started (by their pid files). Idempotent.
#   infra/local/down.sh          stop both; their data stays for the next up.sh
#   infra/local/down.sh --wipe   stop both and delete their data (topics, offsets, databases); logs stay
set -euo pipefail

cache="${BUDGET_ENGINES_CACHE:-$HOME/.cache/limburg-budget-engines}"
run="$cache/run"
wipe=false
case "${1:-}" in
  "") ;;
  --wipe) wipe=true ;;
  *) echo "usage: $0 [--wipe]" >&2; exit 2 ;;
esac

log() { printf '[down.sh] %s\n' "$*" >&2; }

stop() { # name, a word its command line must contain (guards against a pid reused by another process)
  local name="$1" marker="$2" pidfile="$run/$1/pid" pid
  [ -f "$pidfile" ] || { log "$name: not started by up.sh (no pid file)"; return 0; }
  pid="$(cat "$pidfile")"
  if ! kill -0 "$pid" 2>/dev/null; then
    log "$name: pid $pid already gone"
  elif ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$marker"; then
    log "$name: pid $pid is no longer $name; leaving it alone"
  else
    log "stopping $name (pid $pid)"
    # SIGTERM: Kafka shuts down cleanly (no log recovery on the next start), FerretDB closes its SQLite files.
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name did not stop within 30 s: killing it"
      kill -9 "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$pidfile"
}

stop kafka "$run/kafka/server.properties"
stop ferretdb "$run/ferretdb/data"

if $wipe; then
  log "deleting $run/kafka/data and $run/ferretdb/data"
  rm -rf "$run/kafka/data" "$run/ferretdb/data"
fi
