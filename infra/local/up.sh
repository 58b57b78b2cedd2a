#!/usr/bin/env bash
# Starts the engines without Docker: a single-node Apache Kafka 3.9 (KRaft) from Maven Central jars, run with the
# machine's Java 17, and FerretDB 1.24 (MongoDB wire protocol, SQLite backend) built from the Go module proxy
# through our own small module in infra/ferretdb. Both listen on 127.0.0.1 only.
#
#   eval "$(infra/local/up.sh)"      # then KAFKA_BROKERS and MONGO_URL are set
#
# Idempotent: an engine that already answers on its port is reused; one that died is started again on its data.
# Downloads, the build, data, pid files and logs live in a cache outside the clone, so a fresh clone (CI) reuses them.
# Standard output carries only the two export lines; everything else goes to standard error.
set -euo pipefail

# Keep the real stdout on fd 3 for the export lines and send everything else (our logs, mvn, go) to stderr,
# so that nothing stray can ever break `eval "$(up.sh)"`.
exec 3>&1 1>&2

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
infra="$(dirname "$here")"
cache="${BUDGET_ENGINES_CACHE:-$HOME/.cache/limburg-budget-engines}"
kafka_port="${KAFKA_PORT:-19092}"
controller_port="${KAFKA_CONTROLLER_PORT:-19093}"
mongo_port="${MONGO_PORT:-27018}"
kafka_timeout="${KAFKA_START_TIMEOUT:-90}"  # seconds; a cold JVM on two busy cores needs ~10 s
mongo_timeout="${MONGO_START_TIMEOUT:-30}"
# One cache serves one pair of engines: to run a second pair on other ports, give it its own BUDGET_ENGINES_CACHE.
run="$cache/run"
kafka_dir="$run/kafka"       # server.properties, log4j.properties, kafka.log, pid, data/
ferret_dir="$run/ferretdb"   # ferretdb.log, pid, data/ (one SQLite file per database)
libs="$cache/kafka-libs"
ferretdb="$cache/bin/ferretdb-local"

log() { printf '[up.sh] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

for tool in java mvn go flock; do
  command -v "$tool" >/dev/null || die "$tool is needed (Java 17+, Maven, Go 1.24+); or use docker compose instead"
done

mkdir -p "$cache/bin" "$kafka_dir/data" "$ferret_dir/data"

# Two up.sh at once (say a developer's shell and a test script) must not both start an engine: serialise them.
# fd 9 must not leak into the engines, or they would hold the lock forever (see `9>&-` below).
exec 9>"$cache/.up.lock"
flock -w 600 9 || die "another up.sh holds $cache/.up.lock for 10 minutes"

port_open() { (exec 5<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pid_alive() { # pidfile -> true when the process it names still runs
  [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

fail_with_log() { # logfile, message
  log "last lines of $1:"
  tail -n 40 "$1" >&2 2>/dev/null || true
  die "$2"
}

# ---------------------------------------------------------------------------------------------------------------
# 1. FerretDB binary (also our readiness checker for both engines): rebuilt only when its sources change.
#    A hash stamp instead of file times: a fresh clone has new mtimes but the same sources.
# ---------------------------------------------------------------------------------------------------------------
src_hash="$(cd "$infra/ferretdb" && cat go.mod go.sum ./*.go | sha256sum | cut -c1-16)"
build_jars_pid=""

# The jars are fetched while Go compiles: the first is network-bound, the second CPU-bound.
pom="$infra/kafka/pom.xml"
pom_hash="$(sha256sum "$pom" | cut -c1-16)"
if [ ! -f "$libs/.pom-$pom_hash" ]; then
  log "fetching the Kafka jars from Maven Central into $libs (once per version of infra/kafka/pom.xml)"
  # Into a fresh directory, then swapped in: jars of an older pom must not linger on the class path.
  # A broker that runs keeps its already opened jars (the old files stay readable until it stops).
  (
    rm -rf "$libs.new"
    mvn -q -B -f "$pom" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$libs.new"
    touch "$libs.new/.pom-$pom_hash"
    rm -rf "$libs.old"
    if [ -d "$libs" ]; then mv "$libs" "$libs.old"; fi
    mv "$libs.new" "$libs"
    rm -rf "$libs.old"
  ) &
  build_jars_pid=$!
fi

if [ ! -x "$ferretdb" ] || [ "$(cat "$ferretdb.src" 2>/dev/null)" != "$src_hash" ]; then
  log "building FerretDB 1.24 ($infra/ferretdb) into $ferretdb; the first build takes a few minutes"
  # Build beside it and rename: a running ferretdb-local keeps its (now unlinked) file, no "text file busy".
  (cd "$infra/ferretdb" && go build -o "$ferretdb.new" .)
  mv -f "$ferretdb.new" "$ferretdb"
  echo "$src_hash" >"$ferretdb.src"
fi

if [ -n "$build_jars_pid" ]; then
  wait "$build_jars_pid" || die "mvn could not fetch the Kafka jars (see above)"
fi

# ---------------------------------------------------------------------------------------------------------------
# 2. Kafka: one node that is both broker and controller (KRaft), every internal topic replicated once.
# ---------------------------------------------------------------------------------------------------------------
kafka_answers() { "$ferretdb" -kafka-check "127.0.0.1:$kafka_port" -timeout "${1:-1}s" 2>/dev/null; }

start_kafka() {
  # infra/local/kafka-node.sh writes server.properties and log4j.properties (on every start, so that a changed port
  # or setting applies; the data directory is kept), formats the storage once and starts the broker under setsid.
  # 3>&- 9>&-: the broker must not hold our stdout pipe (eval "$(up.sh)" would wait forever) nor the lock.
  BUDGET_ENGINES_CACHE="$cache" "$here/kafka-node.sh" launch "$kafka_port" "$kafka_dir" "$controller_port" 3>&- 9>&- ||
    die "infra/local/kafka-node.sh could not start Kafka (see above)"
}

if kafka_answers; then
  log "Kafka already answers on 127.0.0.1:$kafka_port: reusing it"
elif pid_alive "$kafka_dir/pid"; then
  log "Kafka (pid $(cat "$kafka_dir/pid")) is still starting: waiting for it"
elif port_open "$kafka_port" || port_open "$controller_port"; then
  die "127.0.0.1:$kafka_port or :$controller_port is taken by something that is not our Kafka; stop it or set KAFKA_PORT/KAFKA_CONTROLLER_PORT"
else
  rm -f "$kafka_dir/pid"
  start_kafka
fi

# ---------------------------------------------------------------------------------------------------------------
# 3. FerretDB on its SQLite directory (started now, so that it comes up while the JVM is still starting).
# ---------------------------------------------------------------------------------------------------------------
mongo_url="mongodb://127.0.0.1:$mongo_port/"
mongo_answers() { "$ferretdb" -check "$mongo_url" -timeout "${1:-1}s" 2>/dev/null; }

if mongo_answers; then
  log "a MongoDB server already answers on 127.0.0.1:$mongo_port: reusing it"
elif pid_alive "$ferret_dir/pid"; then
  log "FerretDB (pid $(cat "$ferret_dir/pid")) is still starting: waiting for it"
elif port_open "$mongo_port"; then
  die "127.0.0.1:$mongo_port is taken by something that does not answer a MongoDB ping; stop it or set MONGO_PORT"
else
  rm -f "$ferret_dir/pid"
  log "starting FerretDB on 127.0.0.1:$mongo_port, data in $ferret_dir/data"
  printf '\n===== %s up.sh starts FerretDB =====\n' "$(date -u +%FT%TZ)" >>"$ferret_dir/ferretdb.log"
  # -log-level warn: info logs every connection, which floods the log during test runs.
  setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$ferret_dir/pid" \
    "$ferretdb" -listen "127.0.0.1:$mongo_port" -dir "$ferret_dir/data" -log-level "${FERRETDB_LOG_LEVEL:-warn}" \
    </dev/null >>"$ferret_dir/ferretdb.log" 2>&1 3>&- 9>&- &
fi

# ---------------------------------------------------------------------------------------------------------------
# 4. Wait until both answer a real protocol request (a Kafka Metadata request naming a broker and an active
#    controller; a MongoDB ping). Give up early when the process we started has died.
# ---------------------------------------------------------------------------------------------------------------
wait_for() { # name, seconds, pidfile, logfile, check-function
  local name="$1" seconds="$2" pidfile="$3" logfile="$4" check="$5"
  local deadline=$((SECONDS + seconds))
  until "$check" 1; do
    if [ -f "$pidfile" ] && ! pid_alive "$pidfile"; then
      fail_with_log "$logfile" "$name exited while starting (log above)"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      fail_with_log "$logfile" "$name did not answer within $seconds s (KAFKA_START_TIMEOUT/MONGO_START_TIMEOUT; log above)"
    fi
    sleep 0.3
  done
}

wait_for "Kafka on 127.0.0.1:$kafka_port" "$kafka_timeout" "$kafka_dir/pid" "$kafka_dir/kafka.log" kafka_answers
wait_for "FerretDB on 127.0.0.1:$mongo_port" "$mongo_timeout" "$ferret_dir/pid" "$ferret_dir/ferretdb.log" mongo_answers
log "both engines answer (logs: $kafka_dir/kafka.log, $ferret_dir/ferretdb.log)"

echo "export KAFKA_BROKERS=127.0.0.1:$kafka_port" >&3
echo "export MONGO_URL=$mongo_url" >&3
