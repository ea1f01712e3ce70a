package io.ferry.core.network;

import io.ferry.core.exec.CommandResult;
import io.ferry.core.exec.Commands;
import io.ferry.core.host.Host;
import io.ferry.core.os.FileTrees;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * Throw-away network namespaces standing in for hosts and containers, and Ferry hosts whose networks live in
 * such a namespace (never the machine's own). {@link #close()} deletes exactly what was made here.
 */
final class Namespaces implements AutoCloseable {
    private static final Duration QUICK = Duration.ofSeconds(20);
    private final String tag = UUID.randomUUID().toString().substring(0, 6);
    private final List<String> made = new ArrayList<>();
    private final List<Path> roots = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    /** A new namespace with loopback up; its name is unique to this test. */
    String create(String label) {
        String name = "fnt-" + tag + "-" + label;
        run("ip", "netns", "add", name);
        made.add(name);
        run("ip", "-n", name, "link", "set", "lo", "up");
        return name;
    }

    static Path path(String name) {
        return Path.of("/var/run/netns", name);
    }

    /** A Ferry host whose bridges and rules live in namespace {@code hostNs}. */
    HostNetworks host(String hostId, String hostNs) {
        Path root = Path.of("/tmp/ferry-tests", "net-" + tag + "-" + hostId);
        roots.add(root);
        return new HostNetworks(new Host(hostId + "-" + tag, root), path(hostNs), resolvConf(root));
    }

    /** A second HostNetworks on the same host's state (as the other service process of the host would be). */
    HostNetworks sameHost(HostNetworks first, String hostId, String hostNs) {
        Path root = Path.of("/tmp/ferry-tests", "net-" + tag + "-" + hostId);
        return new HostNetworks(new Host(hostId + "-" + tag, root), path(hostNs), resolvConf(root));
    }

    /** The Ferry host id {@link #host} gave {@code hostId}. */
    String hostId(String hostId) {
        return hostId + "-" + tag;
    }

    Path root(String hostId) {
        return Path.of("/tmp/ferry-tests", "net-" + tag + "-" + hostId);
    }

    Path filesDir(String label) {
        Path d = Path.of("/tmp/ferry-tests", "net-" + tag + "-files-" + label);
        roots.add(d);
        return d;
    }

    static String containerId() {
        byte[] b = new byte[32];
        new java.security.SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Runs it inside the namespace. */
    static CommandResult in(String ns, String... command) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(List.of(command));
        return Commands.run(c, QUICK);
    }

    static CommandResult run(String... command) {
        return Commands.check(String.join(" ", command), List.of(command), QUICK);
    }

    /** Starts a long-running process inside the namespace; killed on close. */
    Process start(String ns, String... command) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(c).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            processes.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path resolvConf(Path root) {
        try {
            Files.createDirectories(root);
            Path f = root.resolve("host-resolv.conf");
            Files.writeString(f, "nameserver 127.0.0.53\nsearch example.test\n");
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        for (Process p : processes) {
            Commands.killTree(p.toHandle());
        }
        for (int i = made.size() - 1; i >= 0; i--) {
            Commands.run(List.of("ip", "netns", "delete", made.get(i)), QUICK);
        }
        for (Path r : roots) {
            if (Files.exists(r)) {
                FileTrees.deleteRecursively(r);
            }
        }
    }
}
