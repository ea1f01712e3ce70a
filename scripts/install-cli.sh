#!/usr/bin/env bash
# Installs the built ferry command for everyone on this machine: /usr/local/bin/ferry (runs this
# checkout's ./ferry), its man pages and its bash completion, all generated at build time from the
# picocli definitions (ferry-cli/target/generated-docs). Idempotent; run as root after a build.
set -euo pipefail
cd "$(dirname "$0")/.."
here=$(pwd)
docs=ferry-cli/target/generated-docs
[ -d "$docs/man1" ] || { echo "install-cli: $docs missing; build first (mvn -DskipTests package)" >&2; exit 1; }
ln -sf "$here/ferry" /usr/local/bin/ferry
install -d /usr/local/share/man/man1 /etc/bash_completion.d
install -m 0644 "$docs"/man1/*.1 /usr/local/share/man/man1/
install -m 0644 "$docs/ferry-completion.bash" /etc/bash_completion.d/ferry
command -v mandb >/dev/null && mandb -q >/dev/null 2>&1 || true
echo "install-cli: ferry, $(ls "$docs"/man1 | wc -l) man pages and bash completion installed"
