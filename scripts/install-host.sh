#!/usr/bin/env bash
# Installs what a Ferry host needs: runc, iproute2, iptables, attr (overlay whiteouts), busybox-static (test image) from the
# system's own Debian suite, and a CRIU >= 4.2 that passes `criu check`.
#
# Debian 12's CRIU 3.17 cannot work on kernels >= 6.15 (vDSO layout) and 4.1 cannot checkpoint
# sockets on >= 6.16, so when the host's CRIU does not qualify we take the newest criu >= 4.2 from
# Debian testing (then unstable) and unpack it with its libraries into a private prefix, run through
# a wrapper with its own dynamic loader. The system's libc and apt sources are never touched: the
# newer suite is read with a private source list and private package lists.
#
# Idempotent; run as root. Extra Debian packages to install along may be named as arguments (the
# test suite's tools). Prints the CRIU it settled on as the last line: "criu: PATH VERSION".
set -euo pipefail

PREFIX=${FERRY_CRIU_PREFIX:-/opt/ferry/criu}
WRAPPER=${FERRY_CRIU_WRAPPER:-/usr/local/lib/ferry/criu}
MIN_CRIU=40200   # 4.2.0
SUITES=${FERRY_CRIU_SUITES:-"testing unstable"}
HOST_PACKAGES=(runc iproute2 iptables iputils-arping busybox-static zstd ca-certificates attr openssl "$@")

log() { echo "install-host: $*" >&2; }
die() { echo "install-host: error: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root"
command -v apt-get >/dev/null || die "needs a Debian host (apt-get not found)"

missing=()
for p in "${HOST_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || true   # a third-party source failing must not stop us
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Post-copy (CRIU lazy pages): CRIU 4.2.1 grows its page-transfer pipe to ~3.2 MiB and, refused by a lower
# fs.pipe-max-size (1 MiB by default; no CAP_SYS_RESOURCE in some sandboxes), fails at the first lazy page
# ("page-pipe: splice: -1: Bad file descriptor"). Raise it to 4 MiB, now and at boot. The engine also raises
# it before a lazy transfer when it runs as root.
PIPE_MAX=4194304
pipe_now=$(cat /proc/sys/fs/pipe-max-size 2>/dev/null || echo "$PIPE_MAX")
if [ "$pipe_now" -lt "$PIPE_MAX" ]; then
  if echo "$PIPE_MAX" > /proc/sys/fs/pipe-max-size 2>/dev/null; then
    log "raised fs.pipe-max-size from $pipe_now to $PIPE_MAX (post-copy needs it)"
  else
    log "warning: fs.pipe-max-size is $pipe_now and cannot be raised to $PIPE_MAX here: post-copy will fail"
  fi
  if [ -d /etc/sysctl.d ]; then
    echo "fs.pipe-max-size = $PIPE_MAX" > /etc/sysctl.d/90-ferry-pipe-max-size.conf
  fi
fi

# Issue 12 (network proof): a container serving clients has, at the moment CRIU dumps it, connections the
# kernel completed but the server has not accepted yet; CRIU refuses to dump them ("In-flight connection (l)
# ... can be ignored with the --skip-in-flight option") and the migration fails. runc hands CRIU the
# configuration file /etc/criu/runc.conf (when a container names no other with the "org.criu.config"
# annotation); skip-in-flight there drops such not-yet-accepted connections (their clients retry), as
# Podman's --tcp-skip-in-flight does. Added once; the file's other lines are kept.
mkdir -p /etc/criu
grep -qx 'skip-in-flight' /etc/criu/runc.conf 2>/dev/null || echo 'skip-in-flight' >> /etc/criu/runc.conf

# "4.2.1" -> 40201; anything unparsable -> 0
criu_version_code() {
  "$1" --version 2>/dev/null | sed -n 's/^Version: *\([0-9]*\)\.\([0-9]*\)\(\.\([0-9]*\)\)\?.*/\1 \2 \4/p' |
    awk '{ printf "%d\n", $1*10000 + $2*100 + ($3 == "" ? 0 : $3) }' | head -n1
}

criu_usable() { # $1 = criu binary; FERRY_SKIP_CRIU_CHECK=1 (an image build, without privileges) checks the version only
  local code
  code=$(criu_version_code "$1")
  [ -n "$code" ] && [ "$code" -ge "$MIN_CRIU" ] || return 1
  [ "${FERRY_SKIP_CRIU_CHECK:-0}" = 1 ] || "$1" check >/dev/null 2>&1
}

report() { echo "criu: $1 $("$1" --version | sed -n 's/^Version: *//p')"; }

if host_criu=$(command -v criu 2>/dev/null) && [ "$host_criu" != "$WRAPPER" ] && criu_usable "$host_criu"; then
  log "host CRIU qualifies: $host_criu"
  report "$host_criu"; exit 0
fi
if [ -x "$WRAPPER" ] && criu_usable "$WRAPPER"; then
  log "private CRIU already installed"
  report "$WRAPPER"; exit 0
fi

# The mirror URI and keyring come from the system's own apt configuration, so a user's mirror is respected.
mirror_uri() {
  local uri=""
  if ls /etc/apt/sources.list.d/*.sources >/dev/null 2>&1; then
    uri=$(awk '
      /^[[:space:]]*$/ { if (deb && suite) { print uri; exit } deb=0; suite=0; uri="" ; next }
      /^Types:/ && /deb( |$)/ { deb=1 }
      /^URIs:/ { uri=$2 }
      /^Suites:/ && /bookworm( |$)/ { suite=1 }
      END { if (deb && suite) print uri }' /etc/apt/sources.list.d/*.sources | head -n1)
  fi
  if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
    uri=$(awk '$1 == "deb" && $0 ~ / bookworm / { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' /etc/apt/sources.list)
  fi
  [ -n "$uri" ] || die "no Debian mirror found in /etc/apt/sources.list{,.d}"
  echo "${uri%/}"
}

MIRROR=$(mirror_uri)
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
WORK=$(mktemp -d /tmp/ferry-criu.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
for suite in $SUITES; do
  log "looking for criu >= 4.2 in Debian $suite at $MIRROR"
  dir="$WORK/$suite"; mkdir -p "$dir/lists/partial" "$dir/archives/partial" "$dir/debs"
  echo "deb [signed-by=$KEYRING] $MIRROR $suite main" > "$dir/sources.list"
  APT=(-o "Dir::Etc::SourceList=$dir/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
       -o "Dir::State::Lists=$dir/lists" -o "Dir::Cache::Archives=$dir/archives"
       -o "Dir::State::Status=/dev/null" -o "APT::Architecture=amd64" -o "Debug::NoLocking=1" -o "APT::Sandbox::User=root")
  apt-get "${APT[@]}" update -qq >/dev/null 2>&1 || { log "cannot read $suite"; continue; }
  ver=$(apt-cache "${APT[@]}" show criu 2>/dev/null | sed -n 's/^Version: //p' | sort -V | tail -n1)
  [ -n "$ver" ] || { log "no criu in $suite"; continue; }
  code=$(echo "$ver" | sed 's/[~+-].*//' | awk -F. '{ printf "%d", $1*10000 + $2*100 + $3 }')
  [ "$code" -ge "$MIN_CRIU" ] || { log "criu $ver in $suite is too old"; continue; }
  log "downloading criu $ver and its libraries from $suite"
  # criu and everything it depends on, from the same suite (its glibc is newer than the host's).
  mapfile -t pkgs < <(apt-cache "${APT[@]}" depends --recurse --no-recommends --no-suggests \
      --no-conflicts --no-breaks --no-replaces --no-enhances criu | grep -v '^ ' | grep -v '^<' | sort -u)
  (cd "$dir/debs" && apt-get "${APT[@]}" download -qq "${pkgs[@]}" >/dev/null) ||
    { log "download from $suite failed"; continue; }
  staging="$WORK/prefix"; rm -rf "$staging"; mkdir -p "$staging"
  for deb in "$dir"/debs/*.deb; do dpkg-deb -x "$deb" "$staging"; done
  rm -rf "$PREFIX"; mkdir -p "$(dirname "$PREFIX")"; mv "$staging" "$PREFIX"
  mkdir -p "$(dirname "$WRAPPER")"
  cat > "$WRAPPER" <<WRAP
#!/bin/sh
# CRIU $ver from Debian $suite, run with its own libraries (installed by Ferry's install-host.sh).
exec $PREFIX/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 --library-path $PREFIX/usr/lib/x86_64-linux-gnu:$PREFIX/lib/x86_64-linux-gnu $PREFIX/usr/sbin/criu "\$@"
WRAP
  chmod 755 "$WRAPPER"
  if criu_usable "$WRAPPER"; then
    log "installed criu $ver at $PREFIX (wrapper $WRAPPER)"
    report "$WRAPPER"; exit 0
  fi
  log "criu $ver from $suite fails 'criu check':"; "$WRAPPER" check 2>&1 | tail -n 5 >&2 || true
done
die "no CRIU >= 4.2 that passes 'criu check' could be installed"
