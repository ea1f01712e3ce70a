#!/usr/bin/env bash
# Benchmarks, each next to its baseline in the same run, printed as tables (root; installs the
# host prerequisites and builds Ferry first):
#   bench/run.sh [checkpoint] [rounds]  checkpoint+export / import+restore vs raw runc (looper, 256 MiB)
#   bench/run.sh registry [rounds]      1 GiB blob through registry-service vs cp; 3-layer pull cold/warm
#   bench/run.sh pipeline [rounds]      a migration through gateway + Kafka + services vs the engine alone
#   bench/run.sh encryption [rounds]    256 MiB container export+import, plain vs --encrypt-to
#   bench/run.sh crypto [rounds]        the encrypting/decrypting streams' throughput by chunk size
#   bench/run.sh secured [rounds]       256 MiB migrations through the pipeline, encrypted vs plain (both signed)
#   bench/run.sh compare [--rounds N] [--big-rounds M] [--sizes looper,256m,1g,4g] [--only r1,p,f1,f2] [--out FILE]
#                                       issue 11's table in one run: downtime of raw runc (R1), Podman (P), Ferry's
#                                       engine (F1) and migrations (F2: direct, registry, post-copy), ratios, F2 stages,
#                                       goals, memory checksums verified after every restore; JSON in bench/target/
#   bench/run.sh chaos [--runs N] [--seed S] [--faults LIST] [--bound S] [--pause S] [--no-fail]
#                                       migrations of a counting container on the demo's topology, one fault each
#                                       (kill -9 + restart, SIGSTOP, link down, racing requests); docs/chaos.md
# FERRY_BENCH_NO_BUILD=1 skips the install and build (the caller has built).
set -euo pipefail
cd "$(dirname "$0")/.."
what=checkpoint
case "${1:-}" in registry|checkpoint|pipeline|encryption|crypto|secured|chaos|compare) what=$1; shift ;; esac
if [ -z "${FERRY_BENCH_NO_BUILD:-}" ]; then # set by a caller that has just built (scripts/test.sh)
  bash scripts/install-host.sh >/dev/null
  mvn -B -q -ntp -DskipTests package
fi
cp="bench/target/ferry-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*"
case $what in
  chaos) exec java -Dferry.repo="$(pwd)" -cp "$cp" io.ferry.bench.chaos.ChaosBench "$@" ;;
  checkpoint) exec java -cp "$cp" io.ferry.bench.CheckpointBench "${1:-5}" ;;
  encryption) exec java -cp "$cp" io.ferry.bench.EncryptionBench "${1:-3}" ;;
  crypto) exec java -cp "$cp" io.ferry.bench.CryptoBench "${1:-5}" ;;
  registry) exec java -Dferry.registry.jar=registry-service/target/registry-service-0.1.0-SNAPSHOT-exec.jar \
      -cp "$cp" io.ferry.bench.RegistryBench "${1:-3}" ;;
  secured) exec java -Dferry.registry.jar=registry-service/target/registry-service-0.1.0-SNAPSHOT-exec.jar \
      -Dferry.image-service.jar=image-service/target/image-service-0.1.0-SNAPSHOT-exec.jar \
      -Dferry.checkpoint-service.jar=checkpoint-service/target/checkpoint-service-0.1.0-SNAPSHOT-exec.jar \
      -Dferry.restore-service.jar=restore-service/target/restore-service-0.1.0-SNAPSHOT-exec.jar \
      -Dlogging.level.root=WARN -cp "$cp" io.ferry.bench.SecuredPipelineBench "${1:-3}" ;;
  compare) exec java -Dferry.registry.jar=registry-service/target/registry-service-0.1.0-SNAPSHOT-exec.jar \
      -Dferry.image-service.jar=image-service/target/image-service-0.1.0-SNAPSHOT-exec.jar \
      -Dferry.checkpoint-service.jar=checkpoint-service/target/checkpoint-service-0.1.0-SNAPSHOT-exec.jar \
      -Dferry.restore-service.jar=restore-service/target/restore-service-0.1.0-SNAPSHOT-exec.jar \
      -Dlogging.level.root=WARN -Dlogging.level.io.ferry=WARN -Dspring.main.banner-mode=off \
      -cp "$cp" io.ferry.bench.compare.CompareBench "$@" ;;
  pipeline) exec java -Dferry.registry.jar=registry-service/target/registry-service-0.1.0-SNAPSHOT-exec.jar \
      -Dferry.image-service.jar=image-service/target/image-service-0.1.0-SNAPSHOT-exec.jar \
      -Dferry.checkpoint-service.jar=checkpoint-service/target/checkpoint-service-0.1.0-SNAPSHOT-exec.jar \
      -Dferry.restore-service.jar=restore-service/target/restore-service-0.1.0-SNAPSHOT-exec.jar \
      -Dlogging.level.root=WARN -cp "$cp" io.ferry.bench.PipelineBench "${1:-3}" ;;
esac
