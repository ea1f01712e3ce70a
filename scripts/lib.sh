# Shared by the demo scripts (sourced, not run): timing, interruptible pauses and the busybox test image.

t0=$(date +%s.%N)

# Seconds since $1 (a `date +%s.%N` stamp), to a tenth.
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
elapsed() { printf '%5ss' "$(since "$t0")"; }
step() { printf '\n\033[1m[%s] %s\033[0m\n' "$(elapsed)" "$*"; }

# pause SECONDS: a sleep that an INT/TERM trap interrupts at once. Bash runs a trap only when the
# foreground command has ended (a foreground `sleep 3600` held Ctrl-C back for up to an hour), but
# `wait` returns as soon as a trapped signal arrives. A background job of a script ignores SIGINT,
# so the sleep outlives an interrupt: stop_pause (call it in the EXIT trap) ends it.
pause_pid=
pause() { sleep "$1" & pause_pid=$!; wait "$pause_pid"; pause_pid=; }
stop_pause() { if [ -n "$pause_pid" ]; then kill "$pause_pid" 2>/dev/null || true; fi; pause_pid=; }

# busybox_tar DIR: a root filesystem of Debian's busybox-static (one symlink per applet) built in
# DIR/rootfs and packed as DIR/busybox.tar.
busybox_tar() {
  local root=$1/rootfs
  mkdir -p "$root/bin" "$root"/{proc,sys,dev,tmp,etc,root}
  cp /bin/busybox "$root/bin/"
  for applet in $(/bin/busybox --list); do [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"; done
  tar -C "$root" -cf "$1/busybox.tar" .
}
