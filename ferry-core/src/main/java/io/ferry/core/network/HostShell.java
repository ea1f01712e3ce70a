package io.ferry.core.network;

import io.ferry.core.exec.CommandResult;
import io.ferry.core.exec.Commands;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the host-side network tools (ip, bridge, iptables, sysctl) in the host's network namespace: the
 * process's own, or {@code namespace} when one is configured (tests give each "host" a namespace of its own,
 * so they never touch the machine's). {@link #in} runs a tool in another namespace (a container's).
 */
public final class HostShell {
    private static final Duration QUICK = Duration.ofSeconds(30);
    private final Path namespace;

    /** {@code namespace} null: the process's own network namespace. */
    public HostShell(Path namespace) {
        this.namespace = namespace;
    }

    public Path namespace() {
        return namespace;
    }

    /** Runs it on the host side; throws with the tool's error lines unless it exits 0. */
    public CommandResult check(String what, String... command) {
        return Commands.check(what, wrap(namespace, List.of(command)), QUICK);
    }

    /** Runs it on the host side and returns the result, whatever the exit code. */
    public CommandResult run(String... command) {
        return Commands.run(wrap(namespace, List.of(command)), QUICK);
    }

    /** Runs it inside the network namespace at {@code netns} (a container's). */
    public CommandResult checkIn(Path netns, String what, String... command) {
        return Commands.check(what, wrap(netns, List.of(command)), QUICK);
    }

    public CommandResult runIn(Path netns, String... command) {
        return Commands.run(wrap(netns, List.of(command)), QUICK);
    }

    /** Sets a sysctl of the host's namespace (net.* sysctls belong to the namespace that writes them). */
    public void sysctl(String key, String value) {
        check("setting " + key, "sysctl", "-q", "-w", key + "=" + value);
    }

    private static List<String> wrap(Path netns, List<String> command) {
        if (netns == null) {
            return command;
        }
        List<String> out = new ArrayList<>(List.of("nsenter", "--net=" + netns));
        out.addAll(command);
        return out;
    }
}
