#!/usr/bin/env bash
# Ferry's engine alone, no services (scripts/demo.sh shows the whole Ferry), as root on Debian 12
# with a JDK 17 and Maven: installs the host prerequisites, builds Ferry if needed, starts a counting container on host A, checkpoints it into an archive,
# restores it on host B (a second state root on this machine) and shows the counter going on
# from where it stopped; then restores the same archive again under a new name. Cleans up on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
here=$(pwd)

[ "$(id -u)" -eq 0 ] || { echo "scripts/demo-engine.sh: run as root" >&2; exit 1; }

source scripts/lib.sh

step "Installing host prerequisites (runc, CRIU >= 4.2, busybox-static)"
bash scripts/install-host.sh 2>&1 | tail -n 1

if [ ! -f ferry-cli/target/ferry-cli.jar ]; then
  step "Building Ferry"
  mvn -B -q -ntp -DskipTests package
fi

work=$(mktemp -d /tmp/ferry-demo.XXXXXX)
A=(./ferry --host-id demo-a --root "$work/host-a")
B=(./ferry --host-id demo-b --root "$work/host-b")
cleanup() {
  stop_pause
  "${A[@]}" rm -f looper >/dev/null 2>&1 || true
  "${B[@]}" rm -f looper looper-copy >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM # at once, also during a pause (scripts/lib.sh)

step "A busybox image on both hosts"
busybox_tar "$work"
"${A[@]}" image import "$work/busybox.tar" busybox >/dev/null
"${B[@]}" image import "$work/busybox.tar" busybox >/dev/null
"${A[@]}" image ls

step "Host A: run a looper"
"${A[@]}" run -d --name looper busybox sh -c 'i=0; while true; do echo $i; i=$((i+1)); sleep 1; done' >/dev/null
pause 3
"${A[@]}" ps
echo "looper on A says: $("${A[@]}" logs looper | tr '\n' ' ')"

step "Host A: checkpoint with export"
start=$(date +%s.%N)
"${A[@]}" checkpoint looper --export "$work/looper.tar.zst" >/dev/null
echo "checkpointed in $(since "$start")s: $(du -h "$work/looper.tar.zst" | cut -f1) archive"
"${A[@]}" inspect "$work/looper.tar.zst"

step "Host B: restore with import (same name and id)"
start=$(date +%s.%N)
"${B[@]}" restore --import "$work/looper.tar.zst" >/dev/null
echo "restored in $(since "$start")s"
pause 3
"${B[@]}" ps
echo "looper on B says: $("${B[@]}" logs looper | tr '\n' ' ')"
"${A[@]}" ps -a

step "Host B: restore the same archive again under a new name"
"${B[@]}" restore --import "$work/looper.tar.zst" --name looper-copy >/dev/null
pause 2
"${B[@]}" ps
echo "looper-copy on B says: $("${B[@]}" logs looper-copy | tr '\n' ' ')"

step "Done: the counter went on from where it stopped on host A"
