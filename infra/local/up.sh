#!/usr/bin/env bash
# Starts the engines without Docker: a single-node Apache Kafka (KRaft) from Maven Central jars, run with the
# machine's Java 17, and FerretDB 1.24 (MongoDB wire protocol, SQLite backend) built from the Go module proxy
# through our own small module in infra/ferretdb. Both listen on 127.0.0.1.
#
# Idempotent: what already answers is reused; downloads, builds and data live in a cache outside the clone.
# Standard output carries only the two export lines, so that  eval "$(infra/local/up.sh)"  works; logs go to stderr.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
infra="$(dirname "$here")"
cache="${BUDGET_ENGINES_CACHE:-$HOME/.cache/limburg-budget-engines}"
kafka_port="${KAFKA_PORT:-19092}"
controller_port="${KAFKA_CONTROLLER_PORT:-19093}"
mongo_port="${MONGO_PORT:-27018}"
run="$cache/run"
mkdir -p "$cache/bin" "$cache/kafka-libs" "$run"

log() { printf '[up.sh] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() { # what, seconds, command...
  local what="$1" seconds="$2"
  shift 2
  for _ in $(seq 1 "$((seconds * 2))"); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  return 1
}

for tool in java mvn go; do
  command -v "$tool" >/dev/null || die "$tool is needed (Java 17, Maven and Go); or use docker compose up instead"
done

# --- Kafka jars: fetched once per pom version into the cache (Maven's own repository stays in ~/.m2). ---
pom="$infra/kafka/pom.xml"
pom_hash="$(sha256sum "$pom" | cut -c1-16)"
if [ ! -f "$cache/kafka-libs/.done-$pom_hash" ]; then
  log "fetching the Kafka jars from Maven Central (first run only)"
  rm -rf "$cache/kafka-libs" && mkdir -p "$cache/kafka-libs"
  mvn -q -B -f "$pom" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$cache/kafka-libs" >&2
  touch "$cache/kafka-libs/.done-$pom_hash"
fi

# --- FerretDB: our module, built when its sources are newer than the binary. ---
ferretdb="$cache/bin/ferretdb-local"
if [ ! -x "$ferretdb" ] || [ -n "$(find "$infra/ferretdb" -newer "$ferretdb" -type f 2>/dev/null)" ]; then
  log "building FerretDB 1.24 from the Go module proxy (first run only)"
  (cd "$infra/ferretdb" && go build -o "$ferretdb" .) >&2
fi

# --- Kafka: single node, KRaft, everything internal replicated once. ---
start_kafka() {
  local dir="$run/kafka"
  mkdir -p "$dir/data"
  cat >"$dir/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${controller_port}
listeners=PLAINTEXT://127.0.0.1:${kafka_port},CONTROLLER://127.0.0.1:${controller_port}
advertised.listeners=PLAINTEXT://127.0.0.1:${kafka_port}
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$dir/data
num.partitions=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=3
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
EOF
  cat >"$dir/log4j.properties" <<'EOF'
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
EOF
  local cp="$cache/kafka-libs/*"
  java -cp "$cp" -Dlog4j.configuration="file:$dir/log4j.properties" kafka.tools.StorageTool format \
    -t LimburgBudgetLocal0001 -c "$dir/server.properties" --ignore-formatted >&2
  log "starting Kafka on 127.0.0.1:${kafka_port}"
  setsid nohup java -Xms256m -Xmx768m -Dlog4j.configuration="file:$dir/log4j.properties" -cp "$cp" \
    kafka.Kafka "$dir/server.properties" >"$dir/kafka.log" 2>&1 </dev/null &
  echo $! >"$dir/pid"
}

kafka_ready() {
  java -cp "$cache/kafka-libs/*" -Dlog4j.configuration="file:$run/kafka/log4j.properties" \
    org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:${kafka_port}" --list
}

if port_open "$kafka_port"; then
  log "Kafka already answers on 127.0.0.1:${kafka_port}"
else
  start_kafka
fi

# --- FerretDB on its SQLite directory. ---
if port_open "$mongo_port"; then
  log "FerretDB already answers on 127.0.0.1:${mongo_port}"
else
  mkdir -p "$run/ferretdb/data"
  log "starting FerretDB on 127.0.0.1:${mongo_port}"
  setsid nohup "$ferretdb" -listen "127.0.0.1:${mongo_port}" -dir "$run/ferretdb/data" -log-level warn \
    >"$run/ferretdb/ferretdb.log" 2>&1 </dev/null &
  echo $! >"$run/ferretdb/pid"
fi

if ! wait_for kafka 90 kafka_ready; then
  tail -n 40 "$run/kafka/kafka.log" >&2 || true
  die "Kafka did not answer on 127.0.0.1:${kafka_port} within 90 s (log above)"
fi
if ! "$ferretdb" -check "mongodb://127.0.0.1:${mongo_port}/" -timeout 60s >&2; then
  tail -n 40 "$run/ferretdb/ferretdb.log" >&2 || true
  die "FerretDB did not answer on 127.0.0.1:${mongo_port} within 60 s (log above)"
fi
log "both engines answer"

echo "export KAFKA_BROKERS=127.0.0.1:${kafka_port}"
echo "export MONGO_URL=mongodb://127.0.0.1:${mongo_port}/"
