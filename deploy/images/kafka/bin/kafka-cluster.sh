#!/usr/bin/env bash
# the cluster id, unregistering brokers
exec "$(dirname "$0")/kafka-run-class.sh" org.apache.kafka.tools.ClusterTool "$@"
