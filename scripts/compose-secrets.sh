#!/usr/bin/env bash
# Makes every credential docker-compose.yml requires (it has no defaults) into DIR, files 0600, and
# DIR/compose.env naming them: Kafka (admin password, one principal per service), PostgreSQL, Grafana,
# registry users (bcrypt hashes for the registry, passwords for the hosts), gateway tokens (admin,
# operator, metrics for Prometheus), and each host's key pair with a trust store listing both hosts.
# Existing files are kept, so running it again changes nothing. Needs openssl and the built
# registry-service jar (mvn package).
# Usage: scripts/compose-secrets.sh DIR   then   docker-compose --env-file DIR/compose.env up --build
set -euo pipefail
[ $# -eq 1 ] || { sed -n '2,7p' "$0" >&2; exit 2; }
here=$(cd "$(dirname "$0")/.." && pwd)
umask 077
mkdir -p "$1"
dir=$(cd "$1" && pwd)
secret() { [ -s "$dir/$1" ] || head -c 32 /dev/urandom | base64 | tr -d '/+=\n' >"$dir/$1"; cat "$dir/$1"; }

bash "$here/scripts/kafka-credentials.sh" "$dir/kafka" ferry-gateway ferry-host-host-a ferry-host-host-b >/dev/null
[ -s "$dir/registry-users" ] || for u in operator ferry-host-host-a ferry-host-host-b; do
  printf '%s:%s\n' "$u" "$(secret "registry-$u.password")"; done | bash "$here/scripts/registry-user.sh" >"$dir/registry-users"
if [ ! -s "$dir/gateway-tokens" ]; then
  for a in "admin admin" "operator operator" "prometheus metrics"; do
    set -- $a; bash "$here/scripts/new-token.sh" -a "$dir/gateway-tokens" -o "$dir/$1.token" "$1" "$2" >/dev/null
  done
fi
# Prometheus runs as nobody (uid/gid 65534 in prom/prometheus and in the local image): its token file is
# group-readable by that group only, not by everyone
chgrp 65534 "$dir/prometheus.token" && chmod 640 "$dir/prometheus.token"
# each host's key pairs (PKCS#8 DER, as HostKeys reads them; mounted as the host's <root>/keys) and
# its identity line (`ferry host key` prints the same); one trust store both hosts read (root-owned, 0644)
pub() { openssl pkey -inform DER -in "$1" -pubout -outform DER | base64 -w0; }
for h in host-a host-b; do
  mkdir -p "$dir/$h/keys"
  [ -s "$dir/$h/keys/signing.key" ] || openssl genpkey -algorithm ed25519 -outform DER -out "$dir/$h/keys/signing.key"
  [ -s "$dir/$h/keys/encryption.key" ] || openssl genpkey -algorithm x25519 -outform DER -out "$dir/$h/keys/encryption.key"
  echo "ferry-host $h ed25519:$(pub "$dir/$h/keys/signing.key") x25519:$(pub "$dir/$h/keys/encryption.key")" >"$dir/$h.identity"
done
(umask 022; cat "$dir/host-a.identity" "$dir/host-b.identity" >"$dir/trusted-hosts")

cat >"$dir/compose.env" <<ENV
FERRY_KAFKA_ADMIN_PASSWORD=$(secret kafka-admin.password)
FERRY_KAFKA_SECRETS=$dir/kafka
FERRY_POSTGRES_PASSWORD=$(secret postgres.password)
FERRY_GRAFANA_ADMIN_PASSWORD=$(secret grafana-admin.password)
FERRY_REGISTRY_SECRET=$(secret registry-token.secret)
FERRY_REGISTRY_USERS_FILE=$dir/registry-users
FERRY_HOST_A_REGISTRY_PASSWORD=$(cat "$dir/registry-ferry-host-host-a.password")
FERRY_HOST_B_REGISTRY_PASSWORD=$(cat "$dir/registry-ferry-host-host-b.password")
FERRY_GATEWAY_TOKENS_FILE=$dir/gateway-tokens
FERRY_METRICS_TOKEN_FILE=$dir/prometheus.token
FERRY_HOST_A_KEYS=$dir/host-a/keys
FERRY_HOST_B_KEYS=$dir/host-b/keys
FERRY_TRUST_STORE=$dir/trusted-hosts
ENV
echo "$dir/compose.env"
