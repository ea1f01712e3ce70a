#!/usr/bin/env bash
# Installs what Ferry's images and its compose file need from the system's own Debian suite: the
# Docker engine (docker.io), Debian's docker-compose (1.29, the `docker-compose` command) and mmdebstrap
# (scripts/build-images.sh makes the base root filesystems with it); then starts the engine when it is
# not running and waits until `docker info` answers.
# With systemd the engine is started as its service; without an init system (containers, CI sandboxes)
# dockerd runs in the background, logging to $FERRY_DOCKERD_LOG (default /var/log/ferry-dockerd.log).
# Idempotent; run as root.
set -euo pipefail

PACKAGES=(docker.io docker-compose mmdebstrap)
LOG=${FERRY_DOCKERD_LOG:-/var/log/ferry-dockerd.log}
WAIT_SECONDS=${FERRY_DOCKERD_WAIT:-60}

log() { echo "install-docker: $*" >&2; }
die() { echo "install-docker: error: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root"
command -v apt-get >/dev/null || die "needs a Debian host (apt-get not found)"

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || true   # a third-party source failing must not stop us
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    die "apt-get install ${missing[*]} failed"
fi

engine_answers() { docker info >/dev/null 2>&1; }

if engine_answers; then
  log "the Docker engine is running"
  exit 0
fi

if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
  log "starting docker.service"
  systemctl start docker || die "systemctl start docker failed (journalctl -u docker)"
else
  # another dockerd may be starting (its pid file is there): wait for it rather than start a second one
  if ! { [ -f /var/run/docker.pid ] && kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; }; then
    log "starting dockerd in the background (log: $LOG)"
    nohup dockerd >>"$LOG" 2>&1 </dev/null &
  fi
fi

deadline=$((SECONDS + WAIT_SECONDS))
until engine_answers; do
  if [ $SECONDS -ge $deadline ]; then
    [ -f "$LOG" ] && tail -n 20 "$LOG" >&2
    die "the Docker engine did not answer within ${WAIT_SECONDS} s"
  fi
  sleep 1
done
log "the Docker engine answers: $(docker version --format 'server {{.Server.Version}}, API {{.Server.APIVersion}}' 2>/dev/null)"
