package io.ferry.bench.chaos;

import io.ferry.core.testing.ServiceProcess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The demo's topology (scripts/demo.sh), for real and as processes: a bridge with two hosts, each in
 * its own network namespace with image-, checkpoint- and restore-service; on this side of the bridge
 * registry-service and the gateway with its in-process Kafka broker and embedded PostgreSQL. Secrets
 * as the demo makes them (Kafka SCRAM passwords, registry bcrypt users, an operator API token, both
 * hosts' keys in each trust store). Every service is a {@link ServiceProcess}: kill -9, SIGSTOP/SIGCONT
 * and restart with the same argv and env. {@link #close} removes everything it made, by pid and name.
 */
public final class ChaosTopology implements AutoCloseable {
    static final String A = "chaos-a";
    static final String B = "chaos-b";

    private final String a; // host ids: TAG-a, TAG-b
    private final String b;
    private final String bridge;
    private final String tag;

    private final Path repo;
    private final Path state;
    private final String net;
    private final Path keepLogs;
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private final List<String> created = new ArrayList<>(); // netns and links, for close
    private GatewayApi api;
    private String registry;
    private String imageRef;

    /** {@code keepLogs}: where the services' logs are copied before the state dir is removed. */
    ChaosTopology(Path repo, Path state, String net, Path keepLogs) {
        this(repo, state, net, keepLogs, "chaos");
    }

    /**
     * The same topology under other names, so that it can stand beside the chaos suite's: hosts TAG-a and
     * TAG-b, bridge fTAG0, host links fTAG-a and fTAG-b (a TAG of at most 8 characters keeps them <= 15).
     */
    public ChaosTopology(Path repo, Path state, String net, Path keepLogs, String tag) {
        this.tag = tag;
        this.a = tag + "-a";
        this.b = tag + "-b";
        this.bridge = "f" + tag + "0";
        this.repo = repo;
        this.state = state;
        this.net = net;
        this.keepLogs = keepLogs;
    }

    public String hostA() {
        return a;
    }

    public String hostB() {
        return b;
    }

    /** The underlay bridge the hosts' namespaces hang on (its address: {@link #gw()}). */
    public String bridge() {
        return bridge;
    }

    /** The underlay address of a host: NET.11 for A, NET.12 for B. */
    public String address(String host) {
        return net + "." + (host.equals(a) ? 11 : 12);
    }

    public String gw() {
        return net + ".1";
    }

    public Path root(String host) {
        return state.resolve(host);
    }

    public GatewayApi api() {
        return api;
    }

    public String imageRef() {
        return imageRef;
    }

    Map<String, ServiceProcess> services() {
        return services;
    }

    ServiceProcess service(String key) {
        ServiceProcess s = services.get(key);
        if (s == null) {
            throw new IllegalArgumentException("no service " + key + " (have " + services.keySet() + ")");
        }
        return s;
    }

    /** The host-side end of a host's veth: down = the host is cut off from the bridge (Kafka, registry). */
    String link(String host) {
        return "f" + tag + "-" + host.substring(host.length() - 1);
    }

    public String netns(String host) {
        return "ferry-" + host;
    }

    public void start() throws IOException {
        removeLeftovers();
        Files.createDirectories(state.resolve("logs"));
        network();
        Path tokens = state.resolve("gateway-tokens");
        Sh.check(repo, Map.of(), null, List.of("bash", "scripts/new-token.sh", "-a", tokens.toString(), "-o",
                state.resolve("operator.token").toString(), tag + "-operator", "operator"));
        Path kafka = state.resolve("kafka-secrets");
        Sh.check(repo, Map.of(), null, List.of("bash", "scripts/kafka-credentials.sh", kafka.toString(), "ferry-gateway",
                "ferry-host-" + a, "ferry-host-" + b));
        Map<String, String> regPasswords = registryUsers();

        int registryPort = ServiceProcess.freePort();
        registry = gw() + ":" + registryPort;
        launch("registry", null, Map.of(), "registry-service", registryPort, List.of(
                "--ferry.registry.data-dir=" + state.resolve("registry"),
                "--ferry.registry.auth.users-file=" + state.resolve("registry-auth/users"),
                "--spring.config.import=file:" + repo.resolve("deploy/registry/access.yml")));
        int gatewayPort = ServiceProcess.freePort();
        String kafkaAddress = gw() + ":" + ServiceProcess.freePort();
        launch("gateway", null, Map.of(), "gateway", gatewayPort, List.of(
                "--ferry.gateway.data-dir=" + state.resolve("gateway"), "--ferry.gateway.registry=" + registry,
                "--ferry.gateway.security.tokens-file=" + tokens,
                "--ferry.kafka.user=ferry-gateway", "--ferry.kafka.password-file=" + kafka.resolve("ferry-gateway.password"),
                "--ferry.kafka.embedded=true", "--ferry.kafka.embedded.listen=" + kafkaAddress,
                "--ferry.kafka.embedded.data-dir=" + state.resolve("kafka"),
                "--ferry.kafka.embedded.users-file=" + kafka.resolve("users.properties")));
        api = new GatewayApi("http://127.0.0.1:" + gatewayPort, Files.readString(state.resolve("operator.token")).strip());
        service("gateway").awaitHealthy(Duration.ofMinutes(3));
        service("registry").awaitReady("/v2/", java.util.Set.of(200, 401), Duration.ofMinutes(2));

        StringBuilder trusted = new StringBuilder();
        for (String h : List.of(a, b)) {
            trusted.append(ferry(h, Map.of(), "host", "key").strip()).append('\n');
        }
        for (String h : List.of(a, b)) {
            Files.writeString(root(h).resolve("trusted-hosts"), trusted);
            String principal = "ferry-host-" + h;
            String cred = registry + "=" + principal + ":" + regPasswords.get(principal);
            Map<String, String> env = Map.of("FERRY_REGISTRY_AUTH", cred, "FERRY_HOST_REGISTRYAUTH", cred);
            List<String> host = List.of("--ferry.host.id=" + h, "--ferry.host.root=" + root(h));
            launch(h + "-image", h, env, "image-service", 8081, concat(host, List.of("--ferry.tls-verify=false")));
            List<String> agent = concat(host, List.of("--spring.kafka.bootstrap-servers=" + kafkaAddress,
                    "--ferry.kafka.user=" + principal, "--ferry.kafka.password-file=" + kafka.resolve(principal + ".password"),
                    "--ferry.host.tls-verify=false", "--ferry.host.image-service-url=http://127.0.0.1:8081",
                    "--ferry.host.heartbeat-interval=2s"));
            launch(h + "-checkpoint", h, env, "checkpoint-service", 8082, agent);
            launch(h + "-restore", h, env, "restore-service", 8083, agent);
        }
        for (String h : List.of(a, b)) {
            Waits.until(() -> api.hostUp(h), Duration.ofMinutes(3), "host " + h + " up at the gateway");
        }
        pushImage(regPasswords.get("operator"));
    }

    /** The looper: a counter printed every second (the demo's container), on {@code host}. */
    void startLooper(String host) {
        ferry(host, Map.of(), "run", "-d", "--name", ChaosBench.CONTAINER, imageRef, "sh", "-c",
                "i=0; while true; do echo $i; i=$((i+1)); sleep 1; done");
    }

    /**
     * The ferry command in the host's network namespace (nsenter --net only: the mounts it makes stay
     * visible to the host), as that host's services run: its bridges, veths and rules are made there.
     */
    public String ferryOnHost(String host, String... args) {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=/var/run/netns/" + netns(host), repo.resolve("ferry").toString(),
                "--tls-verify=false", "--host-id", host, "--root", root(host).toString()));
        cmd.addAll(List.of(args));
        return Sh.check(repo, Map.of(), null, cmd);
    }

    String ferry(String host, Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>(List.of(repo.resolve("ferry").toString(), "--tls-verify=false",
                "--host-id", host, "--root", root(host).toString()));
        cmd.addAll(List.of(args));
        return Sh.check(repo, env, null, cmd);
    }

    private void pushImage(String operatorPassword) throws IOException {
        Sh.check(repo, Map.of(), null, List.of("bash", "-c", "source scripts/lib.sh && busybox_tar \"$1\"", "x", state.toString()));
        imageRef = registry + "/library/busybox:1";
        ferry(a, Map.of(), "image", "import", state.resolve("busybox.tar").toString(), imageRef);
        ferry(a, Map.of("FERRY_REGISTRY_AUTH", registry + "=operator:" + operatorPassword), "push", imageRef);
    }

    private Map<String, String> registryUsers() throws IOException {
        Path auth = state.resolve("registry-auth");
        Files.createDirectories(auth);
        Map<String, String> passwords = new LinkedHashMap<>();
        StringBuilder lines = new StringBuilder();
        for (String u : List.of("operator", "ferry-host-" + a, "ferry-host-" + b)) {
            String p = java.util.HexFormat.of().formatHex(new java.security.SecureRandom().generateSeed(18));
            passwords.put(u, p);
            lines.append(u).append(':').append(p).append('\n');
        }
        String users = Sh.check(repo, Map.of(), lines.toString(), List.of("bash", "scripts/registry-user.sh"));
        Files.writeString(auth.resolve("users"), users);
        return passwords;
    }

    private void network() {
        Sh.check("ip", "link", "add", bridge, "type", "bridge");
        created.add("link:" + bridge);
        Sh.check("ip", "addr", "add", gw() + "/24", "dev", bridge);
        Sh.check("ip", "link", "set", bridge, "up");
        int n = 11;
        for (String h : List.of(a, b)) {
            Sh.check("ip", "netns", "add", netns(h));
            created.add("netns:" + netns(h));
            Sh.check("ip", "link", "add", link(h), "type", "veth", "peer", "name", "eth0", "netns", netns(h));
            Sh.check("ip", "link", "set", link(h), "master", bridge, "up");
            Sh.check("ip", "-n", netns(h), "addr", "add", net + "." + n++ + "/24", "dev", "eth0");
            Sh.check("ip", "-n", netns(h), "link", "set", "eth0", "up");
            Sh.check("ip", "-n", netns(h), "link", "set", "lo", "up");
        }
    }

    private void launch(String key, String host, Map<String, String> env, String module, int port, List<String> args) {
        List<String> argv = new ArrayList<>();
        if (host != null) {
            argv.addAll(List.of("nsenter", "--net=/var/run/netns/" + netns(host))); // nsenter execs java: same pid
        }
        argv.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                key.equals("gateway") ? "-Xmx512m" : "-Xmx384m", ServiceProcess.QUICK_START, "-jar",
                repo.resolve(module + "/target/" + module + "-0.1.0-SNAPSHOT-exec.jar").toString(), "--server.port=" + port));
        argv.addAll(args);
        services.put(key, ServiceProcess.launch(key, argv, env, state.resolve("logs/" + key + ".log"), port));
    }

    /**
     * The embedded PostgreSQLs (gateway's, registry's) of this suite that still run: a kill -9'd service leaves
     * its own behind (issue 14 #4). Their pids are in postmaster.pid under our state dir.
     */
    List<Long> orphanPostgres() {
        List<Long> pids = new ArrayList<>();
        if (!Files.isDirectory(state)) {
            return pids;
        }
        try (Stream<Path> s = Files.find(state, 4, (p, a) -> p.endsWith("postmaster.pid"))) {
            for (Path pidFile : s.toList()) {
                long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
                Path cmdline = Path.of("/proc/" + pid + "/cmdline");
                String cmd = Files.exists(cmdline) ? Files.readString(cmdline) : "";
                if (cmd.contains("postgres") && cmd.contains(pidFile.getParent().toString())) {
                    pids.add(pid); // ours: its data dir is the one under our state dir
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone meanwhile
        }
        return pids;
    }

    /** Any command in the host's network namespace (ip, iptables-save, ...); exit code and output. */
    public Sh.Result onHost(String host, String... cmd) {
        List<String> argv = new ArrayList<>(List.of("nsenter", "--net=/var/run/netns/" + netns(host)));
        argv.addAll(List.of(cmd));
        return Sh.run(null, Map.of(), null, argv);
    }

    @Override
    public void close() {
        for (ServiceProcess s : services.values()) {
            s.resume();
        }
        for (String h : List.of(a, b)) {
            Sh.run("ip", "link", "set", link(h), "up");
        }
        services.values().parallelStream().forEach(ServiceProcess::close); // SIGTERM, SIGKILL after 30 s
        for (Long pid : orphanPostgres()) {
            Sh.run("kill", "-9", pid.toString());
        }
        for (String h : List.of(a, b)) {
            Reality.removeAllContainers(root(h));
        }
        services.clear();
        if (Files.isDirectory(state.resolve("logs"))) {
            Sh.run("mkdir", "-p", keepLogs.getParent().toString());
            Sh.run("cp", "-r", state.resolve("logs").toString(), keepLogs.toString());
        }
        removeLeftovers();
    }

    /** Mounts, netns, links and the state dir of this suite (a run killed before its close leaves them). */
    private void removeLeftovers() {
        for (String h : List.of(a, b)) {
            if (Files.isDirectory(root(h).resolve("runc"))) {
                Reality.removeAllContainers(root(h));
            }
        }
        for (Long pid : orphanPostgres()) {
            Sh.run("kill", "-9", pid.toString());
        }
        unmountUnder(state);
        for (String h : List.of(a, b)) {
            Sh.run("ip", "netns", "delete", netns(h));
            deleteContainerNetns(h);
            Sh.run("ip", "link", "delete", link(h));
        }
        Sh.run("ip", "link", "delete", bridge);
        created.clear();
        deleteTree(state);
    }

    /** The engine names a container's netns ferry-HOST-ID (Host#netnsName); a killed copy leaves its own. */
    private static void deleteContainerNetns(String host) {
        try (Stream<Path> s = Files.isDirectory(Path.of("/var/run/netns")) ? Files.list(Path.of("/var/run/netns")) : Stream.empty()) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("ferry-" + host + "-"))
                    .forEach(n -> Sh.run("ip", "netns", "delete", n));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void unmountUnder(Path dir) {
        try {
            List<String> mounts = Files.readAllLines(Path.of("/proc/self/mounts")).stream().map(l -> l.split(" ")[1])
                    .filter(m -> m.startsWith(dir + "/")).sorted(Comparator.reverseOrder()).toList();
            for (String m : mounts) {
                Sh.run("umount", "-l", m);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) {
        if (Files.exists(dir)) {
            Sh.run("rm", "-rf", "--one-file-system", dir.toString());
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
