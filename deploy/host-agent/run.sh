#!/bin/bash
# The host agent's entrypoint: runs this host's image-, checkpoint- and restore-service side by side.
# When one of them exits, the others are stopped and the container exits with a failure, so Docker's
# restart policy starts the host afresh; SIGTERM (docker stop, compose down) stops all three.
# The host's running (and paused) containers live in this container's PID, mount and network namespaces
# and cannot outlive it: before the services stop, they are removed (`ferry rm -f`), which takes down what
# Ferry set up for them (runc state, mounts, cgroups, network namespaces, iptables rules) instead of
# leaving it to the kernel's kill. Stopped and checkpointed containers have no process to lose: they stay
# in the host's state volume across a restart (a migration's source kept for a rollback among them).
set -u
# Docker mounts /proc/sys read-only in a container that is not privileged; CRIU writes the restored
# container's sysctls (kernel/hostname, ...) there. The container's CAP_SYS_ADMIN may lift that.
if grep -q ' /proc/sys ro,' /proc/self/mountinfo; then
  mount -o remount,rw /proc/sys || echo "host-agent: /proc/sys stays read-only: restores will fail" >&2
fi
pids=()
start() { java ${FERRY_JAVA_OPTS:-} -jar "/opt/ferry/$1.jar" & pids+=($!); }

stopping=false
stop_all() {
  $stopping && return; stopping=true
  local ids
  ids=$(ferry ps -q 2>/dev/null) && [ -n "$ids" ] && ferry rm -f $ids >/dev/null 2>&1
  # the host's own cgroup directories (the containers' are gone with them) are on the machine's hierarchy:
  # removed when empty, so nothing of this host stays behind
  for d in /sys/fs/cgroup/*/ferry/"${FERRY_HOST_ID:-local}"; do rmdir "$d" 2>/dev/null; done
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
