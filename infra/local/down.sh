#!/usr/bin/env bash
# Stops the engines that infra/local/up.sh started. Idempotent. --wipe also deletes their data.
set -euo pipefail

cache="${BUDGET_ENGINES_CACHE:-$HOME/.cache/limburg-budget-engines}"
run="$cache/run"

stop() { # name
  local pidfile="$run/$1/pid"
  [ -f "$pidfile" ] || return 0
  local pid
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    printf '[down.sh] stopping %s (pid %s)\n' "$1" "$pid" >&2
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

stop kafka
stop ferretdb

if [ "${1:-}" = "--wipe" ]; then
  printf '[down.sh] deleting %s\n' "$run" >&2
  rm -rf "$run"
fi
