#!/usr/bin/env bash
# asks brokers for their API versions (a health check)
exec "$(dirname "$0")/kafka-run-class.sh" org.apache.kafka.tools.BrokerApiVersionsCommand "$@"
