#!/usr/bin/env bash
# lists, adds, removes ACLs
exec "$(dirname "$0")/kafka-run-class.sh" org.apache.kafka.tools.AclCommand "$@"
