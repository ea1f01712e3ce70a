#!/usr/bin/env bash
# ferry-local/postgres: the official postgres image's entrypoint behaviour (docker-library/postgres
# docker-entrypoint.sh), cut to what Ferry and its users rely on, over Debian's postgresql-15:
# - `-c k=v` arguments alone mean `postgres -c k=v`; another command runs as given
# - POSTGRES_PASSWORD, POSTGRES_USER, POSTGRES_DB, POSTGRES_INITDB_ARGS may come from a file instead:
#   VAR_FILE names it (read while still root, so a root-only 0600 secret will do), not both
# - started as root: owns PGDATA and the socket directory to the postgres user and re-runs itself as it
# - first start (no PGDATA/PG_VERSION): initdb with POSTGRES_USER/POSTGRES_PASSWORD (scram-sha-256 for host
#   connections, or POSTGRES_HOST_AUTH_METHOD), listen on all addresses, POSTGRES_DB created, then
#   /docker-entrypoint-initdb.d/*.sh|*.sql|*.sql.gz run against a temporary socket-only server, which
#   is stopped before the real one starts (so "ready to accept connections" is logged twice, as upstream)
set -Eeuo pipefail

if [ "${1:0:1}" = '-' ]; then set -- postgres "$@"; fi

# file_env VAR: VAR's value from the file VAR_FILE names (upstream's file_env)
file_env() {
  local var=$1 file_var="${1}_FILE"
  if [ -n "${!var:-}" ] && [ -n "${!file_var:-}" ]; then
    echo "error: both $var and $file_var are set (but are exclusive)" >&2
    exit 1
  fi
  if [ -n "${!file_var:-}" ]; then
    export "$var"="$(< "${!file_var}")"
    unset "$file_var"
  fi
}
for v in POSTGRES_PASSWORD POSTGRES_USER POSTGRES_DB POSTGRES_INITDB_ARGS; do file_env "$v"; done

export POSTGRES_USER=${POSTGRES_USER:-postgres}
export POSTGRES_DB=${POSTGRES_DB:-$POSTGRES_USER}
SOCKETS=/var/run/postgresql

if [ "$1" = postgres ] && [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" "$SOCKETS"
  chmod 00700 "$PGDATA"; chmod 03775 "$SOCKETS"
  chown -R postgres:postgres "$PGDATA" "$SOCKETS"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

# psql as POSTGRES_USER over the socket, into database $1 (further psql options after it)
psql_in() {
  local db=$1; shift
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc --dbname "$db" "$@"
}

run_init_files() {
  local f
  shopt -s nullglob
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh) if [ -x "$f" ]; then echo "$0: running $f"; "$f"; else echo "$0: sourcing $f"; . "$f"; fi ;;
      *.sql) echo "$0: running $f"; psql_in "$POSTGRES_DB" < "$f"; echo ;;
      *.sql.gz) echo "$0: running $f"; gunzip -c "$f" | psql_in "$POSTGRES_DB"; echo ;;
      *) echo "$0: ignoring $f" ;;
    esac
  done
}

init_database() {
  local auth=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}
  if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "$auth" != trust ]; then
    echo "error: the database is uninitialized and POSTGRES_PASSWORD is not set" >&2
    echo "  (set it, or POSTGRES_HOST_AUTH_METHOD=trust to allow connections without one: not recommended)" >&2
    exit 1
  fi
  # the password reaches initdb through a pipe, never the command line; POSTGRES_INITDB_ARGS split on purpose
  # shellcheck disable=SC2086
  initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "${POSTGRES_PASSWORD:-}") \
    --encoding=UTF8 --locale=C.UTF-8 ${POSTGRES_INITDB_ARGS:-}
  printf '\nhost all all all %s\n' "$auth" >> "$PGDATA/pg_hba.conf"
  printf "\nlisten_addresses = '*'\n" >> "$PGDATA/postgresql.conf"

  PGUSER=$POSTGRES_USER pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p 5432" -w start
  if [ "$POSTGRES_DB" != postgres ]; then
    psql_in postgres --set db="$POSTGRES_DB" <<< 'CREATE DATABASE :"db";'
  fi
  run_init_files
  pg_ctl -D "$PGDATA" -m fast -w stop
  echo
  echo 'PostgreSQL init process complete; ready for start up.'
  echo
}

if [ "$1" = postgres ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
  init_database
fi
# the server needs the password no more (upstream keeps it; nothing of Ferry's reads it there)
unset POSTGRES_PASSWORD
exec "$@"
