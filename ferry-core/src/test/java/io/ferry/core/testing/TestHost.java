package io.ferry.core.testing;

import io.ferry.core.checkpoint.CheckpointOptions;
import io.ferry.core.container.ContainerRecord;
import io.ferry.core.container.RunRequest;
import io.ferry.core.container.VolumeMount;
import io.ferry.core.engine.ArchiveTarget;
import io.ferry.core.engine.EngineSettings;
import io.ferry.core.engine.FerryEngine;
import io.ferry.core.exec.Commands;
import io.ferry.core.host.Host;
import io.ferry.core.os.FileTrees;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A throw-away Ferry host for a test: its own id and state root under /tmp/ferry-tests, the busybox
 * image imported. {@link #close()} removes exactly what this host created — its containers (by id),
 * network namespaces (by name), mounts, cgroups and state root — also when the test failed.
 */
public final class TestHost implements AutoCloseable {
    public static final Path TESTS_ROOT = Path.of("/tmp/ferry-tests");
    public static final String LOOPER = "i=0; while true; do echo $i; i=$((i+1)); sleep 1; done";

    private final FerryEngine engine;

    private TestHost(FerryEngine engine) {
        this.engine = engine;
    }

    public static TestHost create(String label) {
        return create(label, EngineSettings.defaults());
    }

    public static TestHost create(String label, EngineSettings settings) {
        String id = label + "-" + UUID.randomUUID().toString().substring(0, 6);
        Host host = new Host(id, TESTS_ROOT.resolve(id));
        TestHost h = new TestHost(FerryEngine.open(host, settings));
        BusyboxImage.importInto(h.engine);
        return h;
    }

    /** The same host's state opened by a second engine (as a later CLI call would). */
    public FerryEngine reopen(EngineSettings settings) {
        return FerryEngine.open(engine.host(), settings);
    }

    public FerryEngine engine() {
        return engine;
    }

    public Host host() {
        return engine.host();
    }

    public ContainerRecord runLooper(String name, String... volumes) {
        return run(name, LOOPER, volumes);
    }

    public ContainerRecord run(String name, String script, String... volumes) {
        List<VolumeMount> mounts = Stream.of(volumes).map(VolumeMount::parse).toList();
        return engine.containers().run(new RunRequest(name, BusyboxImage.REF, List.of("sh", "-c", script), mounts));
    }

    /** Runs the looper as "looper", waits for its first numbers, and checkpoints it into {@code archive}. */
    public Path checkpointLooper(Path archive, CheckpointOptions options) {
        runLooper("looper");
        log("looper").awaitNumberAtLeast(1, Duration.ofSeconds(20));
        engine.checkpoint("looper", options, ArchiveTarget.file(archive)).result();
        return archive;
    }

    public ContainerLog log(String nameOrId) {
        return new ContainerLog(engine.containers().logFile(nameOrId));
    }

    public boolean running(String nameOrId) {
        return engine.containers().inspect(nameOrId).running();
    }

    public Path rootfs(String nameOrId) {
        return engine.containers().store().layout(engine.containers().store().get(nameOrId).id()).rootfs();
    }

    public String netns(String nameOrId) {
        return host().netnsName(engine.containers().store().get(nameOrId).id());
    }

    /** Runs a command inside the container's network namespace (host's busybox), e.g. a TCP client. */
    public String inNetns(String nameOrId, Duration timeout, String... command) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", netns(nameOrId)));
        argv.addAll(List.of(command));
        return Commands.check("running in netns", argv, timeout).stdout();
    }

    /** Network namespaces of this host that still exist (cleanup checks). */
    public List<String> leftoverNetns() {
        try (Stream<Path> s = Files.list(Path.of("/var/run/netns"))) {
            String prefix = "ferry-" + host().id() + "-";
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix)).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Mounts below this host's root that still exist (cleanup checks). */
    public List<String> leftoverMounts() {
        return io.ferry.core.os.Mounts.below(host().root());
    }

    public List<String> leftoverContainerDirs() {
        try (Stream<Path> s = Files.list(host().containers())) {
            return s.map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    public List<String> runcContainers() {
        Path state = host().runcRoot();
        try (Stream<Path> s = Files.list(state)) {
            return s.map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    @Override
    public void close() {
        List<Throwable> problems = new ArrayList<>();
        for (ContainerRecord r : engine.containers().store().list()) {
            try {
                engine.containers().remove(r.id(), true);
            } catch (RuntimeException e) {
                problems.add(e);
            }
        }
        for (String id : runcContainers()) { // restored-then-failed leftovers the store does not know
            Commands.run(List.of("runc", "--root", host().runcRoot().toString(), "delete", "-f", id), Duration.ofSeconds(10));
        }
        for (String ns : leftoverNetns()) {
            Commands.run(List.of("ip", "netns", "delete", ns), Duration.ofSeconds(10));
        }
        for (String m : leftoverMounts()) {
            Commands.run(List.of("umount", "-l", m), Duration.ofSeconds(10));
        }
        removeCgroups();
        try {
            FileTrees.deleteRecursively(host().root());
        } catch (RuntimeException e) {
            problems.add(e);
        }
        if (!problems.isEmpty()) {
            IllegalStateException e = new IllegalStateException("cleaning up test host " + host().id() + " failed");
            problems.forEach(e::addSuppressed);
            throw e;
        }
    }

    /** What a failed test leaves of the host's cgroups (the engine removes an empty /ferry/<host> itself). */
    private void removeCgroups() {
        try (Stream<Path> controllers = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path c : controllers.toList()) {
                Path dir = c.resolve("ferry").resolve(host().id());
                if (Files.isDirectory(dir)) {
                    try (Stream<Path> children = Files.list(dir)) {
                        children.filter(Files::isDirectory).forEach(ch -> ch.toFile().delete());
                    }
                    dir.toFile().delete();
                    dir.getParent().toFile().delete(); // only succeeds once no other host uses it
                }
            }
        } catch (IOException ignored) {
            // cgroupfs layout differs (v2 only): nothing of ours to remove
        }
    }

}
