#!/usr/bin/env bash
# Lines for registry-service's users file (ferry.registry.auth.users-file): reads "name:password"
# lines on standard input and writes "name:{bcrypt}..." lines; only these hashes reach the registry.
# Passwords never appear on a command line. Needs the built registry-service jar (mvn package), or
# FERRY_REGISTRY_JAR pointing at one. Example:
#   (umask 077; head -c 24 /dev/urandom | base64 | tr -d '/+=\n' > operator.password)
#   printf 'operator:%s\n' "$(cat operator.password)" | scripts/registry-user.sh >> users
set -euo pipefail
jar=${FERRY_REGISTRY_JAR:-$(cd "$(dirname "$0")/.." && pwd)/registry-service/target/registry-service-0.1.0-SNAPSHOT-exec.jar}
[ -f "$jar" ] || { echo "registry-user.sh: no registry-service jar at $jar (run mvn package, or set FERRY_REGISTRY_JAR)" >&2; exit 1; }
exec java -jar "$jar" hash-users
