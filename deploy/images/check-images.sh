#!/usr/bin/env bash
# Checks the local images scripts/build-images.sh made, for real, each in a container of its own:
#   postgres    psql as POSTGRES_USER with its password (from POSTGRES_PASSWORD_FILE; and POSTGRES_PASSWORD)
#               over TCP, an init .sql ran, data kept across a restart
#   kafka       produce/consume with Kafka's own tools: PLAINTEXT with no env (apache/kafka's defaults), as
#               Testcontainers' KafkaContainer starts it, and SASL (PLAIN admin from a JAAS file + a
#               SCRAM-SHA-512 user with ACLs) configured as docker-compose.yml does
#   prometheus  /-/ready answers and it scrapes itself
#   host        criu --version >= 4.2 and runc inside
# check-images.sh [postgres|kafka|prometheus|host...] (default: all). Exits non-zero at the first failure;
# removes the containers it started (by id), also on failure.
set -euo pipefail

KAFKA_VERSION=${FERRY_KAFKA_VERSION:-$(docker images --format '{{.Tag}}' ferry-local/kafka | { grep -v '<none>' || true; } | sort -V | tail -n1)}
PROMETHEUS_VERSION=${FERRY_PROMETHEUS_VERSION:-$(docker images --format '{{.Tag}}' ferry-local/prometheus | { grep -v '<none>' || true; } | sort -V | tail -n1)}
WORK=$(mktemp -d /tmp/ferry-check-images.XXXXXX)
containers=()
cleanup() {
  local status=$? id
  if [ "$status" -ne 0 ]; then
    for id in "${containers[@]}"; do echo "--- last log lines of ${id:0:12}:" >&2; docker logs --tail 25 "$id" >&2 2>&1 || true; done
  fi
  [ ${#containers[@]} -eq 0 ] || docker rm -f -v "${containers[@]}" >/dev/null 2>&1 || true
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT

fail() { echo "check-images: FAILED: $*" >&2; exit 1; }
ok() { echo "check-images: ok: $*"; }
# start DOCKER-RUN-ARGS...: runs a detached container, remembered for the cleanup; its id in $started_id
start() { started_id=$(docker run -d "$@"); containers+=("$started_id"); }

# wait_for SECONDS DESCRIPTION COMMAND...: retries COMMAND each second until it succeeds
wait_for() {
  local deadline=$((SECONDS + $1)) limit=$1 what=$2; shift 2
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || fail "$what (waited ${limit} s)"
    sleep 1
  done
}

check_postgres() {
  local image=ferry-local/postgres:15 id
  mkdir -p "$WORK/initdb"
  echo 'CREATE TABLE seeded (note text); INSERT INTO seeded VALUES ($$from init.sql$$);' > "$WORK/initdb/init.sql"
  chmod -R a+rX "$WORK"
  # the password from a root-only file (POSTGRES_PASSWORD_FILE, as docker-compose.yml gives it)
  (umask 077; printf '%s' 'pa ss"word' > "$WORK/postgres.password")
  start -e POSTGRES_USER=checker -e POSTGRES_PASSWORD_FILE=/run/secrets/postgres.password -e POSTGRES_DB=checks \
    -v "$WORK/initdb:/docker-entrypoint-initdb.d:ro" -v "$WORK/postgres.password:/run/secrets/postgres.password:ro" \
    "$image" -c max_connections=42
  id=$started_id
  wait_for 60 "postgres ready twice (the temporary init server, then the real one)" \
    bash -c "[ \$(docker logs $id 2>&1 | grep -c 'database system is ready to accept connections') -ge 2 ]"
  # over TCP from another container (as the official image, connections from inside the container itself
  # are trusted): the password is checked (scram-sha-256), a wrong one refused
  local ip; ip=$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$id")
  local psql=(docker run --rm -e PGPASSWORD='pa ss"word' "$image" psql -h "$ip" -U checker -d checks -tAc)
  wait_for 30 "psql over TCP" "${psql[@]}" 'select 1'
  [ "$("${psql[@]}" 'select note from seeded')" = "from init.sql" ] || fail "postgres: init.sql did not run"
  [ "$("${psql[@]}" 'show max_connections')" = 42 ] || fail "postgres: -c args not passed"
  [ "$("${psql[@]}" 'show server_encoding')" = UTF8 ] || fail "postgres: not UTF8"
  [ "$("${psql[@]}" 'select rolpassword like $$SCRAM-SHA-256$%$$ from pg_authid where rolname = current_user')" = t ] ||
    fail "postgres: the password is not stored as SCRAM"
  if docker run --rm -e PGPASSWORD=wrong "$image" psql -h "$ip" -U checker -d checks -c 'select 1' >/dev/null 2>&1; then
    fail "postgres: a wrong password was accepted"
  fi
  "${psql[@]}" "insert into seeded values ('kept')" >/dev/null
  docker restart "$id" >/dev/null
  ip=$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$id")
  psql=(docker run --rm -e PGPASSWORD='pa ss"word' "$image" psql -h "$ip" -U checker -d checks -tAc)
  wait_for 60 "psql after restart" "${psql[@]}" 'select 1'
  [ "$("${psql[@]}" "select count(*) from seeded")" = 2 ] || fail "postgres: data lost on restart"
  docker logs "$id" 2>&1 | grep -q 'PostgreSQL Database directory appears to contain a database; Skipping initialization' ||
    [ "$(docker logs "$id" 2>&1 | grep -c 'init process complete')" = 1 ] || fail "postgres: initialized twice"
  local server_env; server_env=$(docker exec -u postgres "$id" cat /proc/1/environ | tr '\0' '\n')
  grep -q '^PGDATA=' <<< "$server_env" || fail "postgres: cannot read the server's environment"
  ! grep -q 'ss"word' <<< "$server_env" || fail "postgres: the password is in the server's environment"
  ok "$image: password (POSTGRES_PASSWORD_FILE) over TCP, init.sql, -c args, UTF8, restart keeps data"

  # only a password, no init files (as Testcontainers' PostgreSQLContainer starts it): user and db postgres
  start -e POSTGRES_PASSWORD=only "$image"
  id=$started_id
  wait_for 60 "postgres (defaults) ready twice" \
    bash -c "[ \$(docker logs $id 2>&1 | grep -c 'database system is ready to accept connections') -ge 2 ]"
  ip=$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$id")
  wait_for 30 "psql as postgres over TCP" docker run --rm -e PGPASSWORD=only "$image" psql -h "$ip" -U postgres -c 'select 1'
  [ "$(docker exec "$id" awk '/^Uid:/ { print $2 }' /proc/1/status)" != 0 ] || fail "postgres: the server runs as root"
  ok "$image: defaults (user/db postgres), server not root"
}

# kafka_tool [-i] CONTAINER TOOL ARG...: one of Kafka's command-line tools in the container, with a JVM
# tuned to start fast (C1 only, serial GC: short runs, no data path)
kafka_tool() {
  local stdin=(); if [ "$1" = -i ]; then stdin=(-i); shift; fi
  docker exec "${stdin[@]}" -e KAFKA_JVM_PERFORMANCE_OPTS='-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto' "$@"
}

# kafka_roundtrip CONTAINER CLIENT_CONFIG_OR_EMPTY TOPIC: a record produced is consumed back
kafka_roundtrip() {
  local id=$1 config=$2 topic=$3 opts=(--bootstrap-server localhost:9092) got
  [ -z "$config" ] || opts+=(--command-config "$config")
  kafka_tool "$id" kafka-topics.sh "${opts[@]}" --create --topic "$topic" >/dev/null
  [ -z "$config" ] || opts=(--bootstrap-server localhost:9092 --producer.config "$config")
  echo "hello $topic" | kafka_tool -i "$id" kafka-console-producer.sh "${opts[@]}" --topic "$topic"
  [ -z "$config" ] || opts=(--bootstrap-server localhost:9092 --consumer.config "$config")
  got=$(kafka_tool "$id" kafka-console-consumer.sh "${opts[@]}" --topic "$topic" --from-beginning \
    --max-messages 1 --timeout-ms 30000 2>/dev/null)
  [ "$got" = "hello $topic" ] || fail "kafka: consumed '$got' from $topic"
}

check_kafka() {
  local image=ferry-local/kafka:$KAFKA_VERSION id
  [ -n "$KAFKA_VERSION" ] || fail "no ferry-local/kafka image"
  # no KAFKA_* env: apache/kafka's single-node defaults
  start "$image"
  id=$started_id
  wait_for 90 "kafka (defaults) started" kafka_tool "$id" kafka-broker-api-versions.sh --bootstrap-server localhost:9092
  kafka_roundtrip "$id" "" plain
  ok "$image: single node from defaults, PLAINTEXT produce/consume"

  # as Testcontainers' org.testcontainers.kafka.KafkaContainer (2.0) starts it: its env, a command that waits
  # for /tmp/testcontainers_start.sh (advertised listeners, then /etc/kafka/docker/run), its wait log line
  start -p 127.0.0.1::9092 -e CLUSTER_ID=4L6g3nShT-eMCtK--X86sw \
    -e KAFKA_LISTENERS=PLAINTEXT://0.0.0.0:9092,BROKER://0.0.0.0:9093,CONTROLLER://0.0.0.0:9094 \
    -e KAFKA_LISTENER_SECURITY_PROTOCOL_MAP=BROKER:PLAINTEXT,PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT \
    -e KAFKA_INTER_BROKER_LISTENER_NAME=BROKER -e KAFKA_PROCESS_ROLES=broker,controller \
    -e KAFKA_CONTROLLER_LISTENER_NAMES=CONTROLLER -e KAFKA_NODE_ID=1 -e KAFKA_CONTROLLER_QUORUM_VOTERS=1@localhost:9094 \
    -e KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR=1 -e KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS=1 \
    -e KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR=1 -e KAFKA_TRANSACTION_STATE_LOG_MIN_ISR=1 \
    -e KAFKA_LOG_FLUSH_INTERVAL_MESSAGES=9223372036854775807 -e KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS=0 \
    "$image" sh -c 'while [ ! -f /tmp/testcontainers_start.sh ]; do sleep 0.1; done; /tmp/testcontainers_start.sh'
  id=$started_id
  local port host; port=$(docker port "$id" 9092/tcp | head -n1 | sed 's/.*://')
  host=$(docker inspect -f '{{.Config.Hostname}}' "$id")
  printf '#!/bin/bash\nexport KAFKA_ADVERTISED_LISTENERS=PLAINTEXT://localhost:%s,BROKER://%s:9093\n/etc/kafka/docker/run \n' \
    "$port" "$host" > "$WORK/testcontainers_start.sh"
  chmod 777 "$WORK/testcontainers_start.sh"
  docker cp "$WORK/testcontainers_start.sh" "$id:/tmp/testcontainers_start.sh"
  wait_for 90 "kafka as Testcontainers starts it: 'Transitioning from RECOVERY to RUNNING'" \
    bash -c "docker logs $id 2>&1 | grep -q 'Transitioning from RECOVERY to RUNNING'"
  kafka_tool "$id" kafka-topics.sh --bootstrap-server "$host:9093" --create --topic tc >/dev/null
  local got
  echo "hello tc" | kafka_tool -i "$id" kafka-console-producer.sh --bootstrap-server "$host:9093" --topic tc
  got=$(kafka_tool "$id" kafka-console-consumer.sh --bootstrap-server "$host:9093" --topic tc --from-beginning \
    --max-messages 1 --timeout-ms 30000 2>/dev/null)
  [ "$got" = "hello tc" ] || fail "kafka (Testcontainers' way): consumed '$got'"
  docker exec "$id" grep -qx "advertised.listeners=PLAINTEXT://localhost:$port,BROKER://$host:9093" /opt/kafka/config/server.properties ||
    fail "kafka (Testcontainers' way): advertised listeners not taken from the start script"
  ok "$image: as Testcontainers' KafkaContainer runs it (start script, wait line, advertised localhost:$port)"

  # docker-compose.yml's kafka service: the admin's password in a static JAAS file (KAFKA_OPTS), a section
  # per listener as scripts/compose-secrets.sh writes it, readable by appuser only (and root). The
  # CONTROLLER listener speaks PLAIN only: with SCRAM-SHA-512 enabled there too it has no JAAS entry
  # for it and the broker dies at start ("Could not find a 'KafkaServer' or 'controller.KafkaServer' entry")
  local admin=ferry-admin pw='s3cret-admin' l
  for l in internal external controller; do
    printf '%s.KafkaServer {\n  org.apache.kafka.common.security.plain.PlainLoginModule required\n' "$l"
    printf '  username="%s" password="%s" user_%s="%s";\n};\n' "$admin" "$pw" "$admin" "$pw"
  done > "$WORK/kafka-server.jaas"
  chown 1000:1000 "$WORK/kafka-server.jaas" && chmod 600 "$WORK/kafka-server.jaas"
  start -v "$WORK/kafka-server.jaas:/run/secrets/kafka-server.jaas:ro" \
    -e KAFKA_OPTS=-Djava.security.auth.login.config=/run/secrets/kafka-server.jaas -e KAFKA_NODE_ID=1 -e KAFKA_PROCESS_ROLES=broker,controller \
    -e KAFKA_CONTROLLER_QUORUM_VOTERS=1@localhost:9093 \
    -e KAFKA_LISTENERS=INTERNAL://:9092,CONTROLLER://:9093,EXTERNAL://:29092 \
    -e KAFKA_ADVERTISED_LISTENERS=INTERNAL://localhost:9092,EXTERNAL://localhost:29092 \
    -e KAFKA_LISTENER_SECURITY_PROTOCOL_MAP=INTERNAL:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT,EXTERNAL:SASL_PLAINTEXT \
    -e KAFKA_INTER_BROKER_LISTENER_NAME=INTERNAL -e KAFKA_CONTROLLER_LISTENER_NAMES=CONTROLLER \
    -e KAFKA_SASL_ENABLED_MECHANISMS=PLAIN,SCRAM-SHA-512 \
    -e KAFKA_SASL_MECHANISM_INTER_BROKER_PROTOCOL=PLAIN -e KAFKA_SASL_MECHANISM_CONTROLLER_PROTOCOL=PLAIN \
    -e KAFKA_LISTENER_NAME_CONTROLLER_SASL_ENABLED_MECHANISMS=PLAIN \
    -e "KAFKA_LISTENER_NAME_INTERNAL_SCRAM___SHA___512_SASL_JAAS_CONFIG=org.apache.kafka.common.security.scram.ScramLoginModule required;" \
    -e "KAFKA_LISTENER_NAME_EXTERNAL_SCRAM___SHA___512_SASL_JAAS_CONFIG=org.apache.kafka.common.security.scram.ScramLoginModule required;" \
    -e KAFKA_AUTHORIZER_CLASS_NAME=org.apache.kafka.metadata.authorizer.StandardAuthorizer \
    -e KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND=false -e KAFKA_SUPER_USERS=User:$admin \
    -e KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR=1 -e KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR=1 \
    -e KAFKA_TRANSACTION_STATE_LOG_MIN_ISR=1 -e KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS=0 "$image"
  id=$started_id
  docker exec -i "$id" bash -c 'cat > /tmp/admin.properties' <<EOF
security.protocol=SASL_PLAINTEXT
sasl.mechanism=PLAIN
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="$admin" password="$pw";
EOF
  docker exec -i "$id" bash -c 'cat > /tmp/wrong.properties' <<EOF
security.protocol=SASL_PLAINTEXT
sasl.mechanism=PLAIN
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="$admin" password="wrong";
EOF
  docker exec -i "$id" bash -c 'cat > /tmp/service.properties' <<EOF
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="svc" password="svc-pw";
group.id=svc-group
EOF
  wait_for 90 "kafka (SASL) started" kafka_tool "$id" kafka-broker-api-versions.sh \
    --bootstrap-server localhost:9092 --command-config /tmp/admin.properties
  kafka_roundtrip "$id" /tmp/admin.properties admin-topic
  if kafka_tool "$id" timeout 30 kafka-topics.sh --bootstrap-server localhost:9092 \
      --command-config /tmp/wrong.properties --list >/dev/null 2>&1; then
    fail "kafka: a wrong admin password was accepted"
  fi
  # a service principal as the gateway sets them up: a SCRAM credential and ACLs, made by the admin
  local admin_opts=(--bootstrap-server localhost:9092 --command-config /tmp/admin.properties)
  kafka_tool "$id" kafka-configs.sh "${admin_opts[@]}" --alter --entity-type users --entity-name svc \
    --add-config 'SCRAM-SHA-512=[iterations=4096,password=svc-pw]' >/dev/null
  kafka_tool "$id" kafka-topics.sh "${admin_opts[@]}" --create --topic svc-topic >/dev/null
  kafka_tool "$id" kafka-acls.sh "${admin_opts[@]}" --add --allow-principal User:svc --operation All \
    --topic svc-topic --group svc-group >/dev/null
  local got
  echo "hello svc" | kafka_tool -i "$id" kafka-console-producer.sh --bootstrap-server localhost:29092 \
    --producer.config /tmp/service.properties --topic svc-topic
  got=$(kafka_tool "$id" kafka-console-consumer.sh --bootstrap-server localhost:29092 \
    --consumer.config /tmp/service.properties --topic svc-topic --from-beginning --max-messages 1 \
    --timeout-ms 30000 2>/dev/null)
  [ "$got" = "hello svc" ] || fail "kafka: the SCRAM user consumed '$got'"
  ok "$image: SASL as docker-compose.yml configures it (PLAIN admin from a JAAS file, SCRAM-SHA-512 user with ACLs, wrong password refused)"
}

check_prometheus() {
  local image=ferry-local/prometheus:$PROMETHEUS_VERSION id
  [ -n "$PROMETHEUS_VERSION" ] || fail "no ferry-local/prometheus image"
  start "$image"
  id=$started_id
  wait_for 60 "prometheus /-/ready" docker exec "$id" wget -qO- http://localhost:9090/-/ready
  wait_for 60 "prometheus scraping itself (up == 1)" bash -c \
    "docker exec $id wget -qO- 'http://localhost:9090/api/v1/query?query=up' | grep -q '\"job\":\"prometheus\".*\"value\":\[[0-9.]*,\"1\"\]'"
  ok "$image: ready, scrapes itself"
}

check_host() {
  local image=ferry-local/host:bookworm out code
  out=$(docker run --rm "$image" bash -c 'criu --version; runc --version; java -version 2>&1; cat /etc/criu/runc.conf')
  code=$(echo "$out" | sed -n 's/^Version: *\([0-9]*\)\.\([0-9]*\).*/\1 \2/p' | awk '{ print $1 * 100 + $2 }')
  [ -n "$code" ] && [ "$code" -ge 402 ] || fail "host: criu --version: $out"
  echo "$out" | grep -q '^runc version' || fail "host: no runc: $out"
  echo "$out" | grep -q 'openjdk version "17' || fail "host: no Java 17: $out"
  echo "$out" | grep -qx 'skip-in-flight' || fail "host: /etc/criu/runc.conf lacks skip-in-flight"
  ok "$image: $(echo "$out" | grep '^Version:' | head -n1 | sed 's/^/criu /'), $(echo "$out" | grep '^runc version'), Java 17"
}

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(postgres kafka prometheus host)
for t in "${targets[@]}"; do
  case "$t" in
    postgres|kafka|prometheus|host) started=$SECONDS; "check_$t"; echo "check-images: $t took $((SECONDS - started)) s" ;;
    *) fail "unknown image '$t' (postgres, kafka, prometheus, host)" ;;
  esac
done
