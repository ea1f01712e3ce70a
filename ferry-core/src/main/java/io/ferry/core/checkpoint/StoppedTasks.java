package io.ferry.core.checkpoint;

import io.ferry.core.error.ConflictException;
import io.ferry.protocol.Identifiers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Refuses at once to checkpoint a container holding a stopped process (SIGSTOP: state T, or a debugger's
 * tracing stop: t). runc hands CRIU its freezer cgroup; the cgroup-v1 freezer freezes the stopped task
 * too, and CRIU's PTRACE_SEIZE of it then waits for a transition the frozen task never makes: the dump
 * hangs until Ferry's timeout (seen here with runc 1.1.5 + CRIU 4.2.1; Podman hangs the same way).
 * Looked for in the process tree under the container's init, which every process of the container
 * descends from (the pid namespace reparents orphans to it).
 */
final class StoppedTasks {
    private static final Path PROC = Path.of("/proc");

    private StoppedTasks() {
    }

    static void refuseIfAny(String containerName, long initPid) {
        List<Long> tree = tree(initPid);
        for (long pid : tree) {
            ProcStatus status = status(pid);
            if (status != null && status.stopped()) {
                throw new ConflictException(message(containerName, pid, status, commandLine(pid)));
            }
        }
    }

    static String message(String containerName, long pid, ProcStatus status, String command) {
        String inside = status.containerPid() > 0 ? " (pid " + status.containerPid() + " in the container)" : "";
        String what = status.state() == 't'
                ? "is held in a tracing stop by a debugger (tracer pid " + status.tracerPid() + ")"
                : "is stopped (SIGSTOP or another stop signal)";
        String todo = status.state() == 't'
                ? "detach the debugger (tracer pid " + status.tracerPid() + ")"
                : "resume it with `kill -CONT " + pid + "` on this host"
                        + (status.containerPid() > 0 ? " (or `kill -CONT " + status.containerPid()
                        + "` inside the container)" : "");
        return "cannot checkpoint container " + containerName + ": process " + pid + inside + " " + Identifiers.quote(command) + " " // the container's bytes: escaped
                + what + "; CRIU cannot dump a stopped task in a frozen container (the dump would hang until it"
                + " times out). To checkpoint, " + todo + ", then checkpoint again";
    }

    /** initPid and its descendants, read once from /proc. */
    private static List<Long> tree(long initPid) {
        Map<Long, List<Long>> children = new HashMap<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, p -> isNumber(p.getFileName().toString()))) {
            for (Path dir : dirs) {
                long pid = Long.parseLong(dir.getFileName().toString());
                ProcStatus s = status(pid);
                if (s != null) {
                    children.computeIfAbsent(s.ppid(), k -> new ArrayList<>()).add(pid);
                }
            }
        } catch (IOException e) {
            return List.of(initPid);
        }
        List<Long> out = new ArrayList<>();
        Deque<Long> todo = new ArrayDeque<>(List.of(initPid));
        while (!todo.isEmpty()) {
            long pid = todo.pop();
            out.add(pid);
            todo.addAll(children.getOrDefault(pid, List.of()));
        }
        return out;
    }

    private static ProcStatus status(long pid) {
        try {
            return ProcStatus.parse(Files.readString(PROC.resolve(Long.toString(pid)).resolve("status")));
        } catch (IOException e) {
            return null; // exited meanwhile
        }
    }

    private static String commandLine(long pid) {
        try {
            byte[] raw = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("cmdline"));
            String cmd = new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').strip();
            return cmd.length() > 120 ? cmd.substring(0, 117) + "..." : cmd;
        } catch (IOException e) {
            return "?";
        }
    }

    private static boolean isNumber(String s) {
        return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
    }
}
