#!/bin/bash
# The host agent's entrypoint: runs this host's image-, checkpoint- and restore-service side by side.
# When one of them exits, the others are stopped and the container exits with a failure, so Docker's
# restart policy starts the host afresh; SIGTERM (docker stop, compose down) stops all three.
# The host's containers live in this container's PID, mount and network namespaces and cannot outlive
# it: before the services stop, they are removed (`ferry rm -f`), which takes down what Ferry set up
# for them (runc state, mounts, cgroups, network namespaces, iptables rules) instead of leaving it to
# the kernel's kill.
set -u
pids=()
start() { java ${FERRY_JAVA_OPTS:-} -jar "/opt/ferry/$1.jar" & pids+=($!); }

stopping=false
stop_all() {
  $stopping && return; stopping=true
  local ids
  ids=$(ferry ps -a -q 2>/dev/null) && [ -n "$ids" ] && ferry rm -f $ids >/dev/null 2>&1
  kill -TERM "${pids[@]}" 2>/dev/null
  wait "${pids[@]}" 2>/dev/null
}
trap 'echo "host-agent: stopping" >&2; stop_all; exit 0' TERM INT

start image-service
start checkpoint-service
start restore-service
wait -n "${pids[@]}"
code=$?
$stopping && exit 0
echo "host-agent: a service exited (status $code); stopping the others" >&2
stop_all
exit $(( code == 0 ? 1 : code ))
