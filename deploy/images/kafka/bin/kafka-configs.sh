#!/usr/bin/env bash
# reads and alters configurations, SCRAM credentials
exec "$(dirname "$0")/kafka-run-class.sh" kafka.admin.ConfigCommand "$@"
