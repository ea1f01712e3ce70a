#!/usr/bin/env bash
# formats or reads the log directories (KRaft)
exec "$(dirname "$0")/kafka-run-class.sh" kafka.tools.StorageTool "$@"
