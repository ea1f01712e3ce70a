#!/usr/bin/env bash
# kafka-run-class.sh CLASS [ARG...]: runs a class of /opt/kafka/libs with the environment Kafka's own
# script reads (KAFKA_HEAP_OPTS, KAFKA_JVM_PERFORMANCE_OPTS, KAFKA_LOG4J_OPTS, KAFKA_JMX_OPTS, KAFKA_OPTS).
base=$(cd "$(dirname "$0")/.." && pwd)
KAFKA_HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xmx256M}
KAFKA_JVM_PERFORMANCE_OPTS=${KAFKA_JVM_PERFORMANCE_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true}
# the tools' logging as configured, or its default before the first start wrote config/
tools_log4j=$base/config/tools-log4j2.yaml
[ -f "$tools_log4j" ] || tools_log4j=/etc/kafka/docker/tools-log4j2.yaml
KAFKA_LOG4J_OPTS=${KAFKA_LOG4J_OPTS:--Dlog4j2.configurationFile=$tools_log4j}
if [ -n "${JMX_PORT:-}" ]; then KAFKA_JMX_OPTS="${KAFKA_JMX_OPTS:-} -Dcom.sun.management.jmxremote.port=$JMX_PORT"; fi
# shellcheck disable=SC2086 # the option variables hold several options each
exec java $KAFKA_HEAP_OPTS $KAFKA_JVM_PERFORMANCE_OPTS ${KAFKA_JMX_OPTS:-} $KAFKA_LOG4J_OPTS ${KAFKA_OPTS:-} \
  -Dkafka.logs.dir="${LOG_DIR:-/usr/logs}" -cp "$base/libs/*" "$@"
