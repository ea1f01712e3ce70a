#!/usr/bin/env bash
# Makes an API token for the gateway: a random token (32 bytes from /dev/urandom, base64url, prefix
# "ferry_") and its tokens-file line "NAME ROLE SHA256-HEX". Only the hash goes to the tokens file;
# the token is shown once (or written to a file) and cannot be recovered from the hash.
#
#   scripts/new-token.sh [-a TOKENS_FILE] [-o TOKEN_FILE] NAME ROLE
#
#   -a TOKENS_FILE  append the account's line to TOKENS_FILE (created with mode 0600), instead of
#                   printing it on stderr; the gateway rereads the file when it changes
#   -o TOKEN_FILE   write the token to TOKEN_FILE (mode 0600) instead of stdout: for
#                   `ferry migrate --token-file TOKEN_FILE` or FERRY_TOKEN=$(cat TOKEN_FILE)
#   ROLE            metrics (only /actuator/prometheus), viewer (read), operator (migrate, cancel),
#                   admin (replay); each includes the ones before it
#
# Revoke an account by deleting its line. The dashboard's login is the account's NAME and its token.
set -euo pipefail

usage() { sed -n '6,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
tokens_file= token_file=
while getopts 'a:o:h' opt; do
  case $opt in
    a) tokens_file=$OPTARG ;;
    o) token_file=$OPTARG ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
[ $# -eq 2 ] || usage
name=$1 role=$2
[[ $name =~ ^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$ ]] || { echo "new-token.sh: invalid account name \"$name\" (1-64 letters, digits, '.', '_', '@' or '-')" >&2; exit 2; }
case $role in metrics|viewer|operator|admin) ;; *) echo "new-token.sh: unknown role \"$role\" (metrics, viewer, operator, admin)" >&2; exit 2 ;; esac
if [ -n "$tokens_file" ] && [ -f "$tokens_file" ] && awk -v n="$name" '$1 == n { found = 1 } END { exit !found }' "$tokens_file"; then
  echo "new-token.sh: account $name is already in $tokens_file (delete its line to replace it)" >&2; exit 1
fi

token="ferry_$(head -c 32 /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '=')"
line="$name $role $(printf '%s' "$token" | sha256sum | cut -d' ' -f1)"

umask 077
if [ -n "$tokens_file" ]; then
  echo "$line" >>"$tokens_file"
else
  echo "$line" >&2
fi
if [ -n "$token_file" ]; then
  printf '%s\n' "$token" >"$token_file"
else
  printf '%s\n' "$token"
fi
