#!/usr/bin/env bash
# Runs Ferry's whole test suite on this machine, as root: installs the host prerequisites
# (scripts/install-host.sh: runc, iproute2, iptables, busybox-static, CRIU >= 4.2), the Docker engine
# and the tools the tests drive, builds the local images, then builds and runs every test, including
# the ones tagged "host" that checkpoint and restore real containers with runc and CRIU, "docker"
# (Testcontainers) and "compose" (docker-compose.yml brought up, a migration through it).
set -euo pipefail
cd "$(dirname "$0")/.."

[ "$(id -u)" -eq 0 ] || { echo "scripts/test.sh: run as root (runc, CRIU and network namespaces need it)" >&2; exit 1; }
command -v java >/dev/null || { echo "scripts/test.sh: needs a JDK 17 (java not found)" >&2; exit 1; }
command -v mvn >/dev/null || { echo "scripts/test.sh: needs Maven (mvn not found)" >&2; exit 1; }

# Tools the tests drive, from Debian: skopeo and podman (against registry-service; podman runs with
# its own config and storage under the test's temp dir), chromium and chromedriver (the dashboard,
# headless), gcc and libc6-dev (the fidelity suite compiles two small static programs that busybox
# cannot stand in for).
bash scripts/install-host.sh skopeo podman chromium chromium-driver gcc libc6-dev

# The Docker engine, Debian's docker-compose and mmdebstrap, the engine started; then the images the
# Testcontainers tests (tag docker: PostgreSQL, Kafka) and the compose test (tag compose: the whole
# docker-compose.yml) use, built here from Debian's packages and Maven Central's Kafka jars, since no
# image can be pulled (cached by content: a second run builds nothing). The compose test builds
# Ferry's own images from the jars verify packages before it.
bash scripts/install-docker.sh
bash scripts/build-images.sh bases third-party

# -ntp: no transfer progress in CI logs; verify runs unit, host, docker and compose tests of every module
mvn -B -ntp verify "$@"

# a short bounded fuzzing run of the parsers of untrusted bytes (Jazzer; verify ran their seeds already)
bash scripts/fuzz.sh 3

# a short bounded run of the chaos suite (docs/chaos.md): real migrations on the demo's topology with a
# crash at the restore's failpoint, a hung restore-service and a gateway (broker) kill (races and a link down: the long
# run by hand); it fails when a container is lost, duplicated, stuck or its state mismatched. verify built it.
# Then the network proof on the same topology (docs/network-proof.md; NetworkProofTest is left out of verify).
FERRY_BENCH_NO_BUILD=1 bash bench/run.sh chaos --runs 3 --seed 14 --bound 150 --pause 5 \
  --faults failpoint:target-restore:restore.after-runtime,stop:target-restore@restoring,kill:gateway@restoring \
  --network-proof

# the ferry command, its man pages and completion, as a user's set-up would have them
bash scripts/install-cli.sh
