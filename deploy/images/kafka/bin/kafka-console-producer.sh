#!/usr/bin/env bash
# writes stdin's lines to a topic
exec "$(dirname "$0")/kafka-run-class.sh" org.apache.kafka.tools.ConsoleProducer "$@"
