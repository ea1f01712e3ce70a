#!/usr/bin/env bash
# Runs the checkpoint/restore benchmark: Ferry next to raw runc on the same containers (looper and a
# container holding 256 MiB of random data), median of N rounds (default 5), printed as a table.
# Root; installs the host prerequisites and builds Ferry first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-host.sh >/dev/null
mvn -B -q -ntp -DskipTests package
exec java -cp "bench/target/ferry-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*" io.ferry.bench.CheckpointBench "${1:-5}"
