#!/usr/bin/env bash
# Builds Ferry's images on this machine, for a Docker engine that cannot pull (no registry reachable):
#   bases        ferry-local/java:17, ferry-local/host:bookworm (root filesystems made by mmdebstrap from
#                the system's own apt sources, then `docker import`ed)
#   third-party  ferry-local/postgres:15, ferry-local/kafka:<Boot's Kafka>, ferry-local/prometheus:<Debian's>
#                (drop-ins for the official postgres, apache/kafka and prom/prometheus images)
#   ferry        ferry/registry-service, ferry/gateway, ferry/host-agent (needs `mvn package` first)
#   all          the three, in that order (the default)
#   java, host, postgres, kafka, prometheus: that image alone
# Several targets may be named (`bases third-party`); they are built as one plan.
# Each image carries the label io.ferry.content, a sha256 over what it is made of (this script's recipe,
# the package list, the apt sources, the files copied in); a build whose label already matches is skipped.
# Run as root (mmdebstrap needs it to run the packages' maintainer scripts). Debian 12 (bookworm) host.
# Environment: FERRY_APT_CACHE (downloaded .debs kept between runs, default /var/cache/ferry/apt-archives),
# FERRY_IMAGES_FORCE=1 rebuilds regardless of the labels.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
IMAGES=$ROOT/deploy/images
SUITE=bookworm
CACHE=${FERRY_APT_CACHE:-/var/cache/ferry/apt-archives}
JAVA_PACKAGES=openjdk-17-jre-headless,bash,wget,ca-certificates
WORK=$(mktemp -d /tmp/ferry-images.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

log() { echo "build-images: $*" >&2; }
die() { echo "build-images: error: $*" >&2; exit 1; }

# The system's apt sources for $SUITE, as one file mmdebstrap reads (deb822 when the system's are): the
# user's mirror is used and no host name is written here (the same sources install-host.sh reads).
apt_sources() {
  local f found=""
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && grep -q "^Suites:.*\b$SUITE\b" "$f" && { cat "$f"; echo; found=1; }
  done
  if [ -n "$found" ]; then return; fi
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] && grep -E "^deb .* $SUITE(-[a-z]+)? " "$f" && found=1
  done
  [ -n "$found" ] || die "no apt source for Debian $SUITE in /etc/apt/sources.list{,.d}"
}

# content_hash PART...: sha256 over the parts (strings; a part naming an existing file stands for its content)
content_hash() {
  local p
  for p in "$@"; do
    if [ -f "$p" ]; then printf '%s\n' "${p#"$ROOT"/}"; cat "$p"; else printf '%s\n' "$p"; fi
  done | sha256sum | cut -d' ' -f1
}

# up_to_date REPO HASH: an image of REPO already carries this content label
up_to_date() {
  [ "${FERRY_IMAGES_FORCE:-0}" != 1 ] &&
    [ -n "$(docker images -q --filter "label=io.ferry.content=$2" "$1")" ]
}

# rootfs_image TAG HASH PACKAGES [mmdebstrap option...] [-- docker-import --change value...]:
# a minbase root filesystem of bookworm with PACKAGES (no Recommends: mmdebstrap's default), apt's lists
# and downloaded packages removed, no documentation (man1 stays: update-alternatives links java.1 there),
# imported as TAG. The system's apt sources, which mmdebstrap copies in, are removed last (after the
# hooks that use them): the images carry neither this machine's mirror nor anything in its URLs.
# Downloads go through $CACHE, so a second base (or a rebuild) fetches only what the
# cache lacks. dpkg's unsafe-io: no fsync per file (a lost build is simply rerun).
rootfs_image() {
  local tag=$1 hash=$2 packages=$3; shift 3
  local opts=() changes=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  for c in "$@"; do changes+=(--change "$c"); done
  mkdir -p "$CACHE"
  local name=${tag//[\/:]/_} started=$SECONDS sources
  # mmdebstrap reads a file named *.sources as deb822, any other as one-line sources.list
  apt_sources > "$WORK/$name.apt"
  if grep -q '^Types:' "$WORK/$name.apt"; then sources=$WORK/$name.sources; else sources=$WORK/$name.list; fi
  mv "$WORK/$name.apt" "$sources"
  mmdebstrap --quiet --variant=minbase --include="$packages" \
    --aptopt='Acquire::Check-Valid-Until "false"' --aptopt='Acquire::Languages "none"' \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
    --dpkgopt='force-unsafe-io' --skip=essential/unlink \
    --setup-hook="mkdir -p \"\$1/var/cache/apt/archives\" \"\$1/usr/share/man/man1\"" \
    --setup-hook="sync-in $CACHE /var/cache/apt/archives" \
    "${opts[@]}" \
    --customize-hook="sync-out /var/cache/apt/archives $CACHE" \
    --customize-hook='rm -f "$1"/var/cache/apt/archives/*.deb "$1"/var/cache/apt/*.bin; rm -rf "$1"/var/lib/apt/lists/*' \
    --customize-hook="rm -f \"\$1/etc/apt/sources.list.d/0000${sources##*/}\"" \
    "$SUITE" "$WORK/$name.tar" "$sources" >&2
  docker import "${changes[@]}" --change "LABEL io.ferry.content=$hash" "$WORK/$name.tar" "$tag" >/dev/null
  rm -f "$WORK/$name.tar"
  log "$tag built in $((SECONDS - started)) s"
}

JAVA_ENV=("ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
          "ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64" "ENV LANG=C.UTF-8")

build_java() {
  local hash; hash=$(content_hash "$(declare -f build_java rootfs_image)" "${JAVA_ENV[@]}" "$JAVA_PACKAGES" \
    "$(apt_sources)")
  up_to_date ferry-local/java "$hash" && { log "ferry-local/java:17 up to date"; return; }
  rootfs_image ferry-local/java:17 "$hash" "$JAVA_PACKAGES" -- "${JAVA_ENV[@]}" 'CMD ["bash"]'
}

# The java base plus what a Ferry host needs, installed by install-host.sh itself inside the root
# filesystem (same packages; the private CRIU >= 4.2 and its wrapper at the host's paths; /etc/criu/runc.conf).
# FERRY_SKIP_CRIU_CHECK=1: `criu check` needs privileges and the kernel of the machine that runs the image.
build_host() {
  local packages="$JAVA_PACKAGES,runc,iproute2,iptables,iputils-arping,busybox-static,zstd,attr,openssl"
  local hash; hash=$(content_hash "$(declare -f build_host rootfs_image)" "${JAVA_ENV[@]}" "$packages" \
    "$(apt_sources)" "$ROOT/scripts/install-host.sh")
  up_to_date ferry-local/host "$hash" && { log "ferry-local/host:bookworm up to date"; return; }
  rootfs_image ferry-local/host:bookworm "$hash" "$packages" \
    --customize-hook="copy-in $ROOT/scripts/install-host.sh /usr/local/sbin" \
    --customize-hook='chroot "$1" env FERRY_SKIP_CRIU_CHECK=1 bash /usr/local/sbin/install-host.sh >&2' \
    -- "${JAVA_ENV[@]}" 'ENV PATH=/usr/local/lib/ferry:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    'CMD ["bash"]'
}

# PostgreSQL 15 from Debian, laid out as the official image (PGDATA, entrypoint, initdb.d); the entrypoint
# is deploy/images/postgres/docker-entrypoint.sh. Debian's package would create a cluster "main": dropped.
build_postgres() {
  local packages=postgresql-15,bash
  local entry=$IMAGES/postgres/docker-entrypoint.sh
  local hash; hash=$(content_hash "$(declare -f build_postgres rootfs_image)" "$packages" "$(apt_sources)" "$entry")
  up_to_date ferry-local/postgres "$hash" && { log "ferry-local/postgres:15 up to date"; return; }
  rootfs_image ferry-local/postgres:15 "$hash" "$packages" \
    --customize-hook='chroot "$1" pg_dropcluster 15 main >&2' \
    --customize-hook="copy-in $entry /usr/local/bin" \
    --customize-hook='chmod 755 "$1/usr/local/bin/docker-entrypoint.sh"; mkdir -p "$1/docker-entrypoint-initdb.d"' \
    -- 'ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    'ENV LANG=C.UTF-8' 'ENV PG_MAJOR=15' 'ENV PGDATA=/var/lib/postgresql/data' 'VOLUME /var/lib/postgresql/data' \
    'EXPOSE 5432' 'ENTRYPOINT ["docker-entrypoint.sh"]' 'CMD ["postgres"]'
  # SIGINT, PostgreSQL's fast shutdown, as the official image (docker import cannot set STOPSIGNAL)
  printf 'FROM ferry-local/postgres:15\nSTOPSIGNAL SIGINT\n' | docker build -q -t ferry-local/postgres:15 - >/dev/null
}

# Prometheus from Debian, laid out as prom/prometheus (config /etc/prometheus/prometheus.yml, data in
# /prometheus, user nobody) with its default configuration: Prometheus scraping itself. Tagged with
# Debian's upstream version (2.42.0 on bookworm). The web UI's time zones come from moment-timezone's
# bundled files: its raw data directory (212 MB) is left out.
build_prometheus() {
  local packages=prometheus,wget
  local config=$IMAGES/prometheus/prometheus.yml
  local hash; hash=$(content_hash "$(declare -f build_prometheus rootfs_image)" "$packages" "$(apt_sources)" "$config")
  up_to_date ferry-local/prometheus "$hash" && { log "ferry-local/prometheus up to date"; return; }
  rootfs_image ferry-local/prometheus:build "$hash" "$packages" \
    --dpkgopt='path-exclude=/usr/share/javascript/moment-timezone/data/*' \
    --customize-hook="copy-in $config /etc/prometheus" \
    --customize-hook='mkdir -p "$1/prometheus" && chown nobody:nogroup "$1/prometheus"' \
    --customize-hook="chroot \"\$1\" dpkg-query -W -f='\${Version}' prometheus > $WORK/prometheus.version" \
    -- 'WORKDIR /prometheus' 'USER nobody' 'EXPOSE 9090' 'VOLUME /prometheus' \
    'ENTRYPOINT ["/usr/bin/prometheus"]' \
    'CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]'
  local version; version=$(sed 's/^[0-9]*://; s/[+~-].*//' "$WORK/prometheus.version")
  docker tag ferry-local/prometheus:build "ferry-local/prometheus:$version"
  docker rmi ferry-local/prometheus:build >/dev/null
  log "ferry-local/prometheus:$version tagged"
}

# Kafka in KRaft mode from the jars on Maven Central (at the version Spring Boot's BOM manages: the
# parent of deploy/images/kafka/pom.xml is Ferry's, whose parent is Boot's), a drop-in for apache/kafka (its env convention and
# /etc/kafka/docker/run), on the java base.
build_kafka() {
  local base; base=$(docker image inspect -f '{{index .Config.Labels "io.ferry.content"}}' ferry-local/java:17 2>/dev/null || true)
  [ -n "$base" ] || die "ferry-local/java:17 is missing: build-images.sh bases"
  # the poms decide the jars (released artifacts do not change), so Maven runs only when they changed
  local hash; hash=$(cd "$IMAGES/kafka" && content_hash "$(declare -f build_kafka)" "$base" "$ROOT/pom.xml" \
    $(find . -path ./target -prune -o -type f -print | LC_ALL=C sort))
  up_to_date ferry-local/kafka "$hash" && { log "ferry-local/kafka up to date"; return; }
  local ctx=$WORK/kafka started=$SECONDS; mkdir -p "$ctx"
  cp -r "$IMAGES/kafka/." "$ctx/"
  mvn -B -q -Dstyle.color=never -f "$IMAGES/kafka/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$ctx/libs" || die "cannot fetch Kafka's jars (deploy/images/kafka/pom.xml)"
  # the version Spring Boot's BOM chose, as the broker jar names it
  local version; version=$(cd "$ctx/libs" && ls kafka_2.13-*.jar | sed -n 's/^kafka_2\.13-\(.*\)\.jar$/\1/p')
  [ -n "$version" ] || die "no kafka_2.13 jar among the copied dependencies"
  docker build -q --label "io.ferry.content=$hash" -t "ferry-local/kafka:$version" "$ctx" >/dev/null
  log "ferry-local/kafka:$version built in $((SECONDS - started)) s"
}

# ferry_image TAG DOCKERFILE BASE [SERVICE]: one of Ferry's images, FROM a local base, from the jars
# `mvn package` made. Its content hash covers the Dockerfile, the base's own label and what the
# Dockerfile's COPY lines name (read from it, so this script need not repeat them).
ferry_image() {
  local tag=$1 dockerfile=$ROOT/$2 base=$3 service=${4:-} base_hash sources src
  base_hash=$(docker image inspect -f '{{index .Config.Labels "io.ferry.content"}}' "$base" 2>/dev/null) ||
    die "$base is missing: build-images.sh bases"
  mapfile -t sources < <(sed -n 's/^COPY \(--[^ ]* \)*//p' "$dockerfile" | sed 's/ [^ ]*$//' |
    sed "s/\${SERVICE}/$service/g" | tr ' ' '\n' | sed '/^$/d')
  for src in "${sources[@]}"; do
    [ -e "$ROOT/$src" ] || die "$ROOT/$src is missing: run mvn -B -DskipTests package first"
  done
  # .dockerignore too: it decides which of those files the build context (and so the image) holds
  local hash; hash=$(cd "$ROOT" && content_hash "$(declare -f ferry_image)" "$dockerfile" "$ROOT/.dockerignore" \
    "$base_hash" "$service" $(find "${sources[@]}" -type f | LC_ALL=C sort))
  up_to_date "${tag%%:*}" "$hash" && { log "$tag up to date"; return; }
  local started=$SECONDS args=(--build-arg "BASE=$base")
  [ -z "$service" ] || args+=(--build-arg "SERVICE=$service")
  docker build -q -f "$dockerfile" "${args[@]}" --label "io.ferry.content=$hash" -t "$tag" "$ROOT" >/dev/null
  log "$tag built in $((SECONDS - started)) s"
}

# Ferry's own images (the Dockerfiles under deploy/, as deploy/compose.local.yml builds them here)
build_ferry() {
  ferry_image ferry/registry-service deploy/Dockerfile ferry-local/java:17 registry-service
  ferry_image ferry/gateway deploy/Dockerfile ferry-local/java:17 gateway
  ferry_image ferry/host-agent deploy/Dockerfile.host-agent ferry-local/host:bookworm
}

# in_parallel FUNCTION...: runs the builds side by side (downloads, dpkg and imports overlap); fails
# when one fails, after all have ended
in_parallel() {
  local f pids=() failed=0
  for f in "$@"; do "$f" & pids+=($!); done
  for f in "${pids[@]}"; do wait "$f" || failed=1; done
  [ "$failed" = 0 ] || die "a build failed (see above)"
}

[ "$(id -u)" -eq 0 ] || die "must run as root (mmdebstrap)"
for tool in docker mmdebstrap mvn; do command -v "$tool" >/dev/null || die "$tool not found (scripts/install-docker.sh)"; done
docker info >/dev/null 2>&1 || die "the Docker engine does not answer (scripts/install-docker.sh starts it)"

# The named targets (several may be given) as one plan: the root filesystems side by side, then Kafka
# (FROM the java base), then Ferry's images (FROM both bases).
[ $# -gt 0 ] || set -- all
declare -A want=()
for target in "$@"; do
  case "$target" in
    bases) want[java]=1 want[host]=1 ;;
    third-party) want[postgres]=1 want[prometheus]=1 want[kafka]=1 ;;
    ferry) want[ferry]=1 ;;
    all) want[java]=1 want[host]=1 want[postgres]=1 want[prometheus]=1 want[kafka]=1 want[ferry]=1 ;;
    java|host|postgres|kafka|prometheus) want[$target]=1 ;;
    *) die "usage: build-images.sh [bases|third-party|ferry|all|java|host|postgres|kafka|prometheus]..." ;;
  esac
done
first=()
for part in java host postgres prometheus; do [ -z "${want[$part]:-}" ] || first+=("build_$part"); done
[ ${#first[@]} -eq 0 ] || in_parallel "${first[@]}"
[ -z "${want[kafka]:-}" ] || build_kafka
[ -z "${want[ferry]:-}" ] || build_ferry
