package io.ferry.core.testing;

import io.ferry.core.engine.EngineSettings;
import io.ferry.core.exec.CommandResult;
import io.ferry.core.exec.Commands;
import io.ferry.core.network.NetworkAttachment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Ferry hosts whose networks (bridges, veths, netfilter rules) live each in a throw-away network namespace
 * of its own, never the machine's, and a "lan" namespace linked to each host (192.0.2.0/24, the host at .1)
 * where clients outside the containers run. {@link #close()} removes the hosts first (their containers
 * detach in their namespaces), then every namespace and process made here.
 */
public final class NetworkedHosts implements AutoCloseable {
    private static final Duration QUICK = Duration.ofSeconds(20);
    private final String tag = UUID.randomUUID().toString().substring(0, 6);
    private final List<TestHost> hosts = new ArrayList<>();
    private final List<String> namespaces = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private int links;

    /** A namespace with loopback up, unique to this fixture. */
    public String namespace(String label) {
        String name = "fnw-" + tag + "-" + label;
        check("ip", "netns", "add", name);
        namespaces.add(name);
        check("ip", "-n", name, "link", "set", "lo", "up");
        return name;
    }

    /** A Ferry host whose networks live in namespace {@code hostNs}. */
    public TestHost host(String label, String hostNs) {
        TestHost h = TestHost.create(label, EngineSettings.defaults().withHostNetworkNamespace(path(hostNs)));
        hosts.add(h);
        return h;
    }

    /** Links two namespaces with a veth pair, {@code a} at {@code ipA}/24 and {@code b} at {@code ipB}/24. */
    public void link(String a, String ipA, String b, String ipB) {
        String va = "fl" + tag + links + "a";
        String vb = "fl" + tag + links + "b";
        links++;
        check("ip", "-n", a, "link", "add", va, "type", "veth", "peer", "name", vb, "netns", b);
        check("ip", "-n", a, "addr", "add", ipA + "/24", "dev", va);
        check("ip", "-n", b, "addr", "add", ipB + "/24", "dev", vb);
        check("ip", "-n", a, "link", "set", va, "up");
        check("ip", "-n", b, "link", "set", vb, "up");
    }

    public static Path path(String ns) {
        return Path.of("/var/run/netns", ns);
    }

    public static CommandResult in(String ns, Duration timeout, String... command) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(Arrays.asList(command));
        return Commands.run(c, timeout);
    }

    public static CommandResult in(String ns, String... command) {
        return in(ns, QUICK, command);
    }

    /** A long-running process in the namespace (stdout to {@code output}); killed on close. */
    public Process start(String ns, Path output, String... command) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(Arrays.asList(command));
        try {
            Process p = new ProcessBuilder(c).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            processes.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The body of an HTTP GET from namespace {@code ns}, retried until {@code timeout}. */
    public static String awaitHttp(String ns, String url, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        CommandResult last = null;
        while (System.nanoTime() < deadline) {
            last = in(ns, Duration.ofSeconds(5), "curl", "-sS", "-m", "2", url); // this host's busybox wget crashes
            if (last.ok()) {
                return last.stdout();
            }
            sleep(200);
        }
        throw new AssertionError("no HTTP answer from " + url + " in " + ns + ": " + (last == null ? "" : last.stderr()));
    }

    /** The host-side veths of namespace {@code hostNs} ("fv..." links: one per attached container). */
    public static List<String> veths(String hostNs) {
        return Stream.of(in(hostNs, "ip", "-o", "link", "show", "type", "veth").stdout().split("\n"))
                .map(String::strip).filter(l -> !l.isEmpty()).map(l -> l.split(":")[1].strip().split("@")[0])
                .filter(n -> n.startsWith("fv")).toList();
    }

    /** Whether the link is administratively up. */
    public static boolean linkUp(String hostNs, String link) {
        String flags = in(hostNs, "ip", "-o", "link", "show", link).stdout();
        return flags.contains("<") && flags.substring(flags.indexOf('<'), flags.indexOf('>')).contains(",UP");
    }

    /** Ferry's per-container netfilter rules in {@code hostNs} (tagged "ferry:<container id>"). */
    public static List<String> containerRules(String hostNs) {
        return Stream.of(in(hostNs, "iptables-save").stdout().split("\n"))
                .filter(l -> l.matches(".*ferry:[0-9a-f]{64}.*")).toList();
    }

    /** The address files of the host's address management (one per allocated address). */
    public static List<String> addressFiles(TestHost h) {
        Path dir = h.host().root().resolve("networks").resolve("addresses");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The container's eth0 as seen in its namespace (MAC, address). */
    public static String eth0(TestHost h, String container) {
        return in(h.netns(container), "ip", "addr", "show", "eth0").stdout();
    }

    public static String describe(NetworkAttachment a) {
        return a.ip() + "/" + a.prefixLength() + " " + a.mac();
    }

    private static void check(String... command) {
        Commands.check(String.join(" ", command), List.of(command), QUICK);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        for (Process p : processes) {
            Commands.killTree(p.toHandle());
        }
        RuntimeException failure = TestHosts.closeAll(hosts);
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            Commands.run(List.of("ip", "netns", "delete", namespaces.get(i)), QUICK);
        }
        if (failure != null) {
            throw failure;
        }
    }
}
