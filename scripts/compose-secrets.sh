#!/usr/bin/env bash
# Makes every credential docker-compose.yml requires (it has no defaults) into DIR, files 0600, and
# DIR/compose.env naming their files (no secret value: compose mounts the files, none goes into a
# container's environment): Kafka (admin password and the broker's JAAS file, one principal per service),
# PostgreSQL, Grafana, the registry's token key, registry users (bcrypt hashes for the registry, passwords
# and containers-auth.json files for the hosts), gateway tokens (admin, operator, metrics for Prometheus),
# and each host's key pair with a trust store listing both hosts.
# Existing files are kept, so running it again changes nothing. Needs openssl and the built
# registry-service jar (mvn package).
# Usage: scripts/compose-secrets.sh DIR   then   docker-compose --env-file DIR/compose.env up --build
set -euo pipefail
[ $# -eq 1 ] || { sed -n '2,9p' "$0" >&2; exit 2; }
here=$(cd "$(dirname "$0")/.." && pwd)
umask 077
mkdir -p "$1"
dir=$(cd "$1" && pwd)
chmod 700 "$dir" # also a DIR that existed: some files are group-readable for a container's user (below)
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

# the broker's JAAS file: the admin (PLAIN) on each listener, a section per listener (Kafka's
# <listener>.KafkaServer); read by the broker's user, appuser (gid 1000 in apache/kafka and the local image)
admin=$(secret kafka-admin.password)
# a password written by hand must not end the JAAS string early (a quote or backslash would add options)
case $admin in *[\"\\]*) echo "compose-secrets.sh: $dir/kafka-admin.password holds a quote or backslash" >&2; exit 1 ;; esac
for l in internal external controller; do
  printf '%s.KafkaServer {\n  org.apache.kafka.common.security.plain.PlainLoginModule required\n' "$l"
  printf '  username="ferry-admin" password="%s" user_ferry-admin="%s";\n};\n' "$admin" "$admin"
done >"$dir/kafka-server.jaas"
chgrp 1000 "$dir/kafka-server.jaas" && chmod 640 "$dir/kafka-server.jaas"
# Grafana runs as uid 472 with group root (grafana/grafana): its password file is readable by group root
secret grafana-admin.password >/dev/null
chgrp 0 "$dir/grafana-admin.password" && chmod 640 "$dir/grafana-admin.password"
secret postgres.password >/dev/null
secret registry-token.secret >/dev/null
# each host's registry account as containers-auth.json (FERRY_REGISTRY_AUTH_FILE), for registry:5000 only
for h in host-a host-b; do
  password=$(cat "$dir/registry-ferry-host-$h.password") # its own statement: a missing file stops the script
  auth=$(printf 'ferry-host-%s:%s' "$h" "$password" | base64 -w0)
  printf '{"auths": {"registry:5000": {"auth": "%s"}}}\n' "$auth" >"$dir/$h.registry-auth.json"
done
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
FERRY_KAFKA_JAAS_FILE=$dir/kafka-server.jaas
FERRY_KAFKA_ADMIN_PASSWORD_FILE=$dir/kafka-admin.password
FERRY_KAFKA_SECRETS=$dir/kafka
FERRY_POSTGRES_PASSWORD_FILE=$dir/postgres.password
FERRY_GRAFANA_ADMIN_PASSWORD_FILE=$dir/grafana-admin.password
FERRY_REGISTRY_SECRET_FILE=$dir/registry-token.secret
FERRY_REGISTRY_USERS_FILE=$dir/registry-users
FERRY_HOST_A_REGISTRY_AUTH_FILE=$dir/host-a.registry-auth.json
FERRY_HOST_B_REGISTRY_AUTH_FILE=$dir/host-b.registry-auth.json
FERRY_GATEWAY_TOKENS_FILE=$dir/gateway-tokens
FERRY_METRICS_TOKEN_FILE=$dir/prometheus.token
FERRY_HOST_A_KEYS=$dir/host-a/keys
FERRY_HOST_B_KEYS=$dir/host-b/keys
FERRY_TRUST_STORE=$dir/trusted-hosts
ENV
echo "$dir/compose.env"
