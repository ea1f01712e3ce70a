#!/usr/bin/env bash
# Ferry's demo, as root on Debian 12 with a JDK 17 and Maven: installs what a host needs, builds
# Ferry, and starts a whole Ferry on this machine: registry-service, the gateway (with an
# in-process KRaft Kafka broker and an embedded PostgreSQL, unless FERRY_KAFKA / FERRY_DATABASE_URL
# point at external ones), and two hosts, each in its own network namespace with its own address on
# a virtual bridge, each running image-, checkpoint- and restore-service. It starts a counting
# container on host A, moves it to host B through the REST API (printing each step as it happens,
# with bytes and times), and shows the container's output before and after. Then it keeps running
# with the dashboard at http://localhost:8080/ until interrupted (or exits at once with --exit).
# Everything it started is stopped and removed on exit. The ferry command it runs is this clone's
# ./ferry: it installs nothing system-wide but the host prerequisites (scripts/install-cli.sh, a
# separate step, makes /usr/local/bin/ferry, man pages and completion).
#
# Kafka is authenticated (SASL/SCRAM-SHA-512) and authorized (ACLs): a principal and a fresh password
# per service are generated at start into $STATE/kafka-secrets (0600).
#
# Environment: FERRY_KAFKA=host:port (external broker; with FERRY_KAFKA_ADMIN_USER and
# FERRY_KAFKA_ADMIN_PASSWORD the gateway sets up the demo's principals on it), FERRY_DATABASE_URL / _USER / _PASSWORD
# (external PostgreSQL for the gateway), FERRY_DEMO_NET (default 10.88.77), FERRY_DEMO_STATE,
# FERRY_DEMO_OVERLAY (the network proof's VXLAN subnet, default 10.89.77; docs/network-proof.md).
set -euo pipefail
cd "$(dirname "$0")/.."
here=$(pwd)

exit_after=false
for arg in "$@"; do
  case $arg in
    --exit) exit_after=true ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "scripts/demo.sh: unknown option $arg (use --exit or --help)" >&2; exit 2 ;;
  esac
done

[ "$(id -u)" -eq 0 ] || { echo "scripts/demo.sh: run as root (runc, CRIU and network namespaces need it)" >&2; exit 1; }
command -v java >/dev/null || { echo "scripts/demo.sh: needs a JDK 17 (java not found)" >&2; exit 1; }
command -v mvn >/dev/null || { echo "scripts/demo.sh: needs Maven (mvn not found)" >&2; exit 1; }

source scripts/lib.sh

NET=${FERRY_DEMO_NET:-10.88.77}
STATE=${FERRY_DEMO_STATE:-/var/lib/ferry/demo}
BRIDGE=ferry-demo0
GW=$NET.1
REGISTRY=$GW:5000
GATEWAY=http://127.0.0.1:8080
CREDS="" # the operator's registry credential, set once the demo's accounts exist (below)
pids=()

step "Installing host prerequisites (runc, CRIU >= 4.2, busybox-static)"
bash scripts/install-host.sh 2>&1 | tail -n 1

jars=(registry-service gateway image-service checkpoint-service restore-service)
need_build=false
[ -f ferry-cli/target/ferry-cli.jar ] || need_build=true
[ -f bench/target/classes/io/ferry/bench/net/NetworkProbe.class ] || need_build=true # the network proof's client
for j in "${jars[@]}"; do [ -f "$j/target/$j-0.1.0-SNAPSHOT-exec.jar" ] || need_build=true; done
if $need_build; then
  step "Building Ferry (mvn package)"
  mvn -B -q -ntp -DskipTests package
fi
jar() { echo "$here/$1/target/$1-0.1.0-SNAPSHOT-exec.jar"; }
ferry() { FERRY_REGISTRY_AUTH="$CREDS" "$here/ferry" --tls-verify=false "$@"; }
A=(--host-id demo-a --root "$STATE/demo-a")
B=(--host-id demo-b --root "$STATE/demo-b")
# --- the network proof (issue 12): ferry inside a host's network namespace, where its bridges, veths and rules live ---
OVERLAY=${FERRY_DEMO_OVERLAY:-10.89.77}
CLIENT_NS=ferry-demo-client
ferry_on() { # a|b, args...: nsenter --net only (the mounts ferry makes stay visible to the host)
  local h=$1; shift
  FERRY_REGISTRY_AUTH="$CREDS" nsenter --net="/var/run/netns/ferry-demo-$h" "$here/ferry" --tls-verify=false \
    --host-id "demo-$h" --root "$STATE/demo-$h" "$@"
}
# --- end network proof ---

cleanup() {
  set +e
  printf '\n[%s] stopping the demo\n' "$(elapsed)"
  stop_pause
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done # the services stop while the containers go
  local removals=()
  for h in a b; do # both hosts at once (a ferry command takes a second or two to start)
    (
      ferry --host-id "demo-$h" --root "$STATE/demo-$h" rm -f looper
      if [ -e "/var/run/netns/ferry-demo-$h" ] && [ -d "$STATE/demo-$h" ]; then # the network proof's, in the host's namespace
        ferry_on "$h" rm -f web
        ferry_on "$h" network rm demonet
      fi
    ) >/dev/null 2>&1 &
    removals+=($!)
  done
  wait "${removals[@]}"
  ip netns delete "$CLIENT_NS" 2>/dev/null
  ip link delete fdemo-c 2>/dev/null
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null
  done
  for h in a b; do ip netns delete "ferry-demo-$h" 2>/dev/null; done
  for h in a b; do # the hosts' cgroups (Ferry removes them with their last container): whatever is left and empty
    for d in /sys/fs/cgroup/ferry/demo-$h /sys/fs/cgroup/*/ferry/demo-$h; do
      [ -d "$d" ] && rmdir "$d"/*/ "$d" 2>/dev/null
    done
  done
  ip link delete "$BRIDGE" 2>/dev/null
  rm -rf "$STATE"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step "A virtual network: bridge $BRIDGE ($GW) with host A ($NET.11) and host B ($NET.12)"
cleanup >/dev/null 2>&1; pids=()
mkdir -p "$STATE/logs"

# --- gateway authentication (issue 10): an admin and an operator account, made now (files 0600) ---
TOKENS=$STATE/gateway-tokens
scripts/new-token.sh -a "$TOKENS" -o "$STATE/admin.token" demo-admin admin
scripts/new-token.sh -a "$TOKENS" -o "$STATE/operator.token" demo-operator operator
# curl reads the header from a file, so the token never shows in ps
(umask 077; printf 'Authorization: Bearer %s\n' "$(cat "$STATE/operator.token")" >"$STATE/operator.header")
api() { curl -s -H @"$STATE/operator.header" "$@"; }
# --- end gateway authentication ---
# --- Kafka credentials (issue 10): one principal per service, fresh passwords, 0600 ---
KAFKA_SECRETS=$STATE/kafka-secrets
bash scripts/kafka-credentials.sh "$KAFKA_SECRETS" ferry-gateway ferry-host-demo-a ferry-host-demo-b demo-requester
kafka_auth() { echo "--ferry.kafka.user=$1" "--ferry.kafka.password-file=$KAFKA_SECRETS/$1.password"; }
# --- end Kafka credentials ---
ip link add "$BRIDGE" type bridge
ip addr add "$GW/24" dev "$BRIDGE"
ip link set "$BRIDGE" up
n=11
for h in a b; do
  ip netns add "ferry-demo-$h"
  ip link add "fdemo-$h" type veth peer name eth0 netns "ferry-demo-$h"
  ip link set "fdemo-$h" master "$BRIDGE" up
  ip -n "ferry-demo-$h" addr add "$NET.$n/24" dev eth0
  ip -n "ferry-demo-$h" link set eth0 up
  ip -n "ferry-demo-$h" link set lo up
  n=$((n + 1))
done

start_env=() # NAME=VALUE pairs for the next start (credentials: not on a command line)
start() { # name, netns ("" for this one), jar, args...
  local name=$1 ns=$2 j=$3; shift 3
  local run=(env "${start_env[@]}" java -Xmx512m -jar "$(jar "$j")" "$@")
  if [ -n "$ns" ]; then run=(nsenter "--net=/var/run/netns/$ns" "${run[@]}"); fi
  "${run[@]}" >"$STATE/logs/$name.log" 2>&1 &
  pids+=($!)
}
wait_http() { # url, what
  for _ in $(seq 1 180); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "$1" || true)
    case $code in 200|401) return 0 ;; esac
    pause 1
  done
  echo "demo: $2 did not come up; see $STATE/logs" >&2; exit 1
}

# Registry accounts (issue 10): an operator (pushes images) and one per host (pushes its own
# checkpoints, pulls images and others' checkpoints; deploy/registry/access.yml); random passwords
# in 0600 files; the registry gets only their bcrypt hashes.
AUTH=$STATE/registry-auth
(umask 077; mkdir -p "$AUTH"
  for u in operator ferry-host-demo-a ferry-host-demo-b; do head -c 24 /dev/urandom | base64 | tr -d '/+=\n' > "$AUTH/$u.password"; done
  for u in operator ferry-host-demo-a ferry-host-demo-b; do printf '%s:%s\n' "$u" "$(cat "$AUTH/$u.password")"; done \
    | bash scripts/registry-user.sh > "$AUTH/users")
creds() { echo "$REGISTRY=$1:$(cat "$AUTH/$1.password")"; } # a credential names the one registry it is sent to
CREDS=$(creds operator)

step "Starting registry-service, the gateway and both hosts' services (logs in $STATE/logs)"
start registry "" registry-service --server.port=5000 --ferry.registry.data-dir="$STATE/registry" \
  --ferry.registry.auth.users-file="$AUTH/users" --spring.config.import="file:$here/deploy/registry/access.yml"
gateway_args=(--server.port=8080 --ferry.gateway.data-dir="$STATE/gateway" --ferry.gateway.registry="$REGISTRY"
  --ferry.gateway.security.tokens-file="$TOKENS" $(kafka_auth ferry-gateway))
if [ -n "${FERRY_KAFKA:-}" ]; then
  gateway_args+=(--spring.kafka.bootstrap-servers="$FERRY_KAFKA"); KAFKA=$FERRY_KAFKA
  if [ -n "${FERRY_KAFKA_ADMIN_USER:-}" ]; then gateway_args+=(--ferry.kafka.admin.users-file="$KAFKA_SECRETS/users.properties"); fi
else
  gateway_args+=(--ferry.kafka.embedded=true --ferry.kafka.embedded.listen="$GW:9092" \
    --ferry.kafka.embedded.data-dir="$STATE/kafka" --ferry.kafka.embedded.users-file="$KAFKA_SECRETS/users.properties")
  KAFKA=$GW:9092
fi
if [ -n "${FERRY_DATABASE_URL:-}" ]; then
  gateway_args+=(--spring.datasource.url="$FERRY_DATABASE_URL" --spring.datasource.username="${FERRY_DATABASE_USER:-}" \
    --spring.datasource.password="${FERRY_DATABASE_PASSWORD:-}")
fi
start gateway "" gateway "${gateway_args[@]}"
wait_http "$GATEWAY/actuator/health" "the gateway (and its Kafka broker)"
# checkpoint signing: each host's key pairs, and a trust store (its default, <root>/trusted-hosts)
# listing both hosts' identity lines, before the services start (they refuse unsigned or untrusted archives)
trusted=$(for h in a b; do ferry --host-id "demo-$h" --root "$STATE/demo-$h" host key; done)
for h in a b; do (umask 022; printf '%s\n' "$trusted" >"$STATE/demo-$h/trusted-hosts"); done
for h in a b; do
  host=(--ferry.host.id="demo-$h" --ferry.host.root="$STATE/demo-$h")
  start_env=(FERRY_REGISTRY_AUTH="$(creds "ferry-host-demo-$h")" FERRY_HOST_REGISTRYAUTH="$(creds "ferry-host-demo-$h")")
  start "demo-$h-image" "ferry-demo-$h" image-service --server.port=8081 "${host[@]}" --ferry.tls-verify=false
  agent=("${host[@]}" --spring.kafka.bootstrap-servers="$KAFKA" $(kafka_auth "ferry-host-demo-$h") \
    --ferry.host.tls-verify=false --ferry.host.image-service-url=http://127.0.0.1:8081 --ferry.host.heartbeat-interval=2s)
  start "demo-$h-checkpoint" "ferry-demo-$h" checkpoint-service --server.port=8082 "${agent[@]}"
  start "demo-$h-restore" "ferry-demo-$h" restore-service --server.port=8083 "${agent[@]}"
  start_env=()
done
wait_http "http://$REGISTRY/v2/" "registry-service"
for h in a b; do
  for _ in $(seq 1 180); do
    api "$GATEWAY/api/hosts/demo-$h" | grep -q '"restore":{"role":"restore","up":true' && \
      api "$GATEWAY/api/hosts/demo-$h" | grep -q '"checkpoint":{"role":"checkpoint","up":true' && break
    pause 1
  done
done
api "$GATEWAY/api/hosts/demo-b" | grep -q '"up":true' || { echo "demo: the hosts did not come up; see $STATE/logs" >&2; exit 1; }
echo "hosts up: demo-a ($NET.11), demo-b ($NET.12); gateway $GATEWAY, registry $REGISTRY, Kafka $KAFKA"

step "An image in the registry: busybox, pushed from host A (host B will pull it when it needs it)"
busybox_tar "$STATE"
IMAGE=$REGISTRY/library/busybox:1
ferry "${A[@]}" image import "$STATE/busybox.tar" "$IMAGE" >/dev/null
ferry "${A[@]}" push "$IMAGE" 2>&1 >/dev/null

step "Host A: a looper"
ferry "${A[@]}" run -d --name looper "$IMAGE" sh -c 'i=0; while true; do echo $i; i=$((i+1)); sleep 1; done' >/dev/null
for _ in $(seq 1 30); do api "$GATEWAY/api/hosts/demo-a/containers" | grep -q looper && break; pause 1; done
pause 3
echo "looper on demo-a says: $(ferry "${A[@]}" logs looper | tr '\n' ' ')"

step "Moving it to host B through the gateway (POST /api/migrations), live:"
ferry migrate looper --from demo-a --to demo-b --gateway "$GATEWAY" --token-file "$STATE/operator.token"
moved=$(elapsed)
pause 2
step "After the move"
echo "looper on demo-b says: $(ferry "${B[@]}" logs looper | tr '\n' ' ')"
echo "demo-a: $(ferry "${A[@]}" ps -a -q | wc -l) containers; demo-b: $(ferry "${B[@]}" ps -q | wc -l) running"
echo "migrated $(echo $moved) after the start of this script"

# --- the network proof (issue 12, docs/network-proof.md): a web service keeps its address and a held connection ---
step "A network spanning both hosts: VXLAN demonet ($OVERLAY.0/24, VNI 77) over the bridge, and a client on it ($OVERLAY.250)"
ip netns add "$CLIENT_NS" # a third "machine" on the underlay ($NET.13) with its own VXLAN device on the network
ip link add fdemo-c type veth peer name eth0 netns "$CLIENT_NS"
ip link set fdemo-c master "$BRIDGE" up
ip -n "$CLIENT_NS" addr add "$NET.13/24" dev eth0
ip -n "$CLIENT_NS" link set eth0 up
ip -n "$CLIENT_NS" link set lo up
ip -n "$CLIENT_NS" link add vx0 type vxlan id 77 local "$NET.13" dstport 4789 dev eth0
for peer in "$NET.11" "$NET.12"; do ip netns exec "$CLIENT_NS" bridge fdb append 00:00:00:00:00:00 dev vx0 dst "$peer"; done
ip -n "$CLIENT_NS" link set vx0 mtu 1450
ip -n "$CLIENT_NS" addr add "$OVERLAY.250/24" dev vx0
ip -n "$CLIENT_NS" link set vx0 up
ferry_on a network create --subnet "$OVERLAY.0/24" --ip-range "$OVERLAY.64/27" --opt vxlan.id=77 \
  --opt vxlan.local="$NET.11" --opt vxlan.peers="$NET.12,$NET.13" demonet >/dev/null
ferry_on b network create --subnet "$OVERLAY.0/24" --ip-range "$OVERLAY.96/27" --opt vxlan.id=77 \
  --opt vxlan.local="$NET.12" --opt vxlan.peers="$NET.11,$NET.13" demonet >/dev/null

step "Host A: a web service on demonet ($OVERLAY.10): busybox httpd on :80 (published as $NET.11:8088) and a TCP counter on :7000"
# the counter: per connection a number every 20 ms, each one more than the last
web='mkdir -p /tmp/www; echo "hello from ferry" > /tmp/www/index.html
printf "#!/bin/sh\ni=0; while true; do echo \$i; i=\$((i+1)); usleep 20000; done\n" > /tmp/counter; chmod +x /tmp/counter
httpd -f -p 80 -h /tmp/www & nc -ll -p 7000 -e /tmp/counter'
ferry_on a run -d --name web --network demonet --ip "$OVERLAY.10" -p 8088:80 "$IMAGE" sh -c "$web" >/dev/null
for _ in $(seq 1 30); do api "$GATEWAY/api/hosts/demo-a/containers" | grep -q '"web"' && break; pause 1; done
echo "from the client: $(ip netns exec "$CLIENT_NS" curl -s -m 2 "http://$OVERLAY.10/")"

step "The client polls http://$OVERLAY.10/ every 20 ms and holds one connection to $OVERLAY.10:7000 while web moves to B (--tcp-established)"
rm -f "$STATE/probe.stop"
nsenter --net="/var/run/netns/$CLIENT_NS" java -cp "$here/bench/target/classes" io.ferry.bench.net.NetworkProbe \
  --http "$OVERLAY.10:80" --tcp "$OVERLAY.10:7000" --stop-file "$STATE/probe.stop" --max-seconds 300 >"$STATE/probe.out" 2>&1 &
probe=$!; pids+=($probe)
for _ in $(seq 1 100); do grep -q READY "$STATE/probe.out" && break; pause 0.2; done
grep -q READY "$STATE/probe.out" || { echo "demo: the client probe did not get ready: $(cat "$STATE/probe.out")" >&2; exit 1; }
pause 1 # a second of normal service before the move
ferry migrate web --from demo-a --to demo-b --tcp-established --gateway "$GATEWAY" --token-file "$STATE/operator.token" \
  | tee "$STATE/web-migration.out"
web_id=$(sed -n 's/^migration \([^:]*\):.*/\1/p' "$STATE/web-migration.out" | head -n 1)
pause 1 # a second of service from B
touch "$STATE/probe.stop"; wait "$probe" || true
step "What the client saw, next to the migration's downtime"
grep -v -e '^READY$' -e '^PROBE ' "$STATE/probe.out"
downtime=$(api "$GATEWAY/api/migrations/$web_id" | grep -o '"downtimeMillis":[0-9]*' | cut -d: -f2)
echo "  migration downtime    ${downtime:-?} ms (the gateway's record of $web_id)"
echo "after the move, $OVERLAY.10 from the client: $(ip netns exec "$CLIENT_NS" curl -s -m 2 "http://$OVERLAY.10/");" \
  "published port $NET.12:8088 on B: $(curl -s -m 2 "http://$NET.12:8088/")"
echo "demo-b:"; ferry_on b ps
# --- end network proof ---

if $exit_after; then
  exit 0
fi
step "Dashboard: http://localhost:8080/  -  start more migrations there or with ./ferry migrate; Ctrl-C stops the demo"
echo "log in as demo-admin with the token in $STATE/admin.token (or demo-operator: $STATE/operator.token);"
echo "API: curl -H @$STATE/operator.header $GATEWAY/api/migrations; CLI: ./ferry migrate --token-file $STATE/operator.token ..."
echo "(./ferry is this clone's command; scripts/install-cli.sh installs it as /usr/local/bin/ferry for everyone)"
while true; do pause 3600; done
