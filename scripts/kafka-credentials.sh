#!/usr/bin/env bash
# Makes Kafka credentials for Ferry's principals: DIR/users.properties (principal=password, what the
# in-process broker's ferry.kafka.embedded.users-file or the gateway's ferry.kafka.admin.users-file
# reads) and DIR/<principal>.password (what each service's FERRY_KAFKA_PASSWORD_FILE points at), all
# 0600, with fresh random passwords. An existing password is kept, so running it again adds principals.
# Usage: scripts/kafka-credentials.sh DIR PRINCIPAL...   (ferry-gateway, ferry-host-<hostId>, requesters)
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,7p' "$0" >&2; exit 2; }
dir=$1; shift
umask 077
mkdir -p "$dir"
for p in "$@"; do
  [ -s "$dir/$p.password" ] || od -An -N32 -tx1 /dev/urandom | tr -d ' \n' >"$dir/$p.password"
done
: >"$dir/users.properties.tmp"
for f in "$dir"/*.password; do
  printf '%s=%s\n' "$(basename "$f" .password)" "$(cat "$f")" >>"$dir/users.properties.tmp"
done
mv "$dir/users.properties.tmp" "$dir/users.properties"
