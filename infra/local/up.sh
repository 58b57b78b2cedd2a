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
  # Written on every start so that a changed port or setting applies; the data directory is kept.
  cat >"$kafka_dir/server.properties" <<EOF
# Generated by infra/local/up.sh: single-node KRaft for development and tests. Do not edit: it is rewritten.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${controller_port}
listeners=PLAINTEXT://127.0.0.1:${kafka_port},CONTROLLER://127.0.0.1:${controller_port}
advertised.listeners=PLAINTEXT://127.0.0.1:${kafka_port}
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=${kafka_dir}/data
# One broker: every replication factor and min ISR is 1, the internal topics' included; else the consumer-offsets
# and transaction-state topics can never be created and group commits and transactions hang.
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=3
# Tests create their topics explicitly (as docker-compose.yml does): a typo must fail, not create a topic.
auto.create.topics.enable=false
# Consumers of a new group get their partitions at once instead of after 3 s.
group.initial.rebalance.delay.ms=0
# Small segments: test data is small, and short segments keep compaction and deletion testable.
log.segment.bytes=16777216
EOF

  # Kafka 3.9 logs through slf4j to reload4j (log4j 1.2 API): warnings and errors, plus the start/stop lines.
  cat >"$kafka_dir/log4j.properties" <<'EOF'
log4j.rootLogger=WARN, stderr
log4j.logger.kafka.server.KafkaRaftServer=INFO
log4j.logger.kafka.Kafka$=INFO
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
EOF

  local cp="$libs/*"
  local log4j="-Dlog4j.configuration=file:$kafka_dir/log4j.properties"

  # KRaft needs formatted storage (meta.properties, bootstrap checkpoint). Skip the JVM when already formatted;
  # --ignore-formatted keeps it harmless anyway. The cluster id is fixed (22 characters of base64 = a UUID).
  if [ ! -f "$kafka_dir/data/meta.properties" ]; then
    log "formatting Kafka storage in $kafka_dir/data"
    java -cp "$cp" "$log4j" kafka.tools.StorageTool format -t LimburgBudgetLocal0001 \
      -c "$kafka_dir/server.properties" --ignore-formatted >&2 ||
      die "kafka.tools.StorageTool format failed (see above)"
  fi

  log "starting Kafka on 127.0.0.1:$kafka_port (controller 127.0.0.1:$controller_port), data in $kafka_dir/data"
  printf '\n===== %s up.sh starts Kafka =====\n' "$(date -u +%FT%TZ)" >>"$kafka_dir/kafka.log"
  # setsid: own session, so the broker survives the shell, its hang-up and a Ctrl-C in it (so no nohup is needed, the
  # output being redirected anyway). `exec` keeps the pid that we record.
  # 3>&- 9>&-: the broker must not hold our stdout pipe (eval "$(up.sh)" would wait forever) nor the lock.
  setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$kafka_dir/pid" \
    java -Xms256m -Xmx768m -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true "$log4j" \
    -cp "$cp" kafka.Kafka "$kafka_dir/server.properties" \
    </dev/null >>"$kafka_dir/kafka.log" 2>&1 3>&- 9>&- &
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
