package io.ferry.bench.compare;

import io.ferry.core.criu.Criu;
import io.ferry.core.criu.Executables;
import io.ferry.core.exec.CommandResult;
import io.ferry.core.exec.Commands;
import io.ferry.core.os.FileTrees;
import io.ferry.core.os.Mounts;
import io.ferry.core.testing.BusyboxImage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Debian's podman with its own config, storage and run dirs under a temp dir (as RegistryInteropTest
 * drives it), set up as ../shared/HOST-RUNTIME.md found it works here: runc, cgroupfs, file events,
 * nofile capped at 20000, no network; Ferry's CRIU (>= 4.2) first on PATH and as runc's --criu.
 * {@link #close()} removes its containers and its directory.
 */
final class Podman implements AutoCloseable {
    static final String IMAGE = "localhost/ferry-bench-busybox:latest";
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private final Path work;
    private final Map<String, String> env = new HashMap<>();
    private final List<String> base;

    private Podman(Path work, Criu criu) throws IOException {
        this.work = work;
        Path conf = work.resolve("containers.conf");
        Files.writeString(conf, """
                [containers]
                default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
                netns = "none"
                log_driver = "k8s-file"
                [engine]
                runtime = "runc"
                cgroup_manager = "cgroupfs"
                events_logger = "file"
                """);
        Path bin = Files.createDirectories(work.resolve("bin")); // podman asks "criu" on PATH for its version
        Files.createSymbolicLink(bin.resolve("criu"), criu.binary());
        env.put("CONTAINERS_CONF", conf.toString());
        env.put("PATH", bin + ":" + System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"));
        env.putAll(criu.environment());
        base = List.of("podman", "--root", work.resolve("storage").toString(), "--runroot", work.resolve("run").toString(),
                "--storage-driver", "vfs", "--runtime-flag", "criu=" + criu.binary());
    }

    /** Podman ready to run the busybox image; empty (with the reason) when it is not installed. */
    static Optional<Podman> open(Criu criu, StringBuilder whyNot) throws IOException {
        if (Executables.onPath("podman").isEmpty()) {
            whyNot.append("podman not installed (scripts/test.sh installs it)");
            return Optional.empty();
        }
        Podman p = new Podman(Files.createTempDirectory("ferry-bench-podman"), criu);
        try {
            p.check("podman import", "import", BusyboxImage.tarball().toString(), IMAGE);
        } catch (RuntimeException e) {
            p.close();
            whyNot.append("podman cannot import the busybox image: ").append(e.getMessage());
            return Optional.empty();
        }
        return Optional.of(p);
    }

    CommandResult check(String what, String... args) {
        List<String> argv = new ArrayList<>(base);
        argv.addAll(List.of(args));
        CommandResult r = Commands.run(argv, env, TIMEOUT);
        if (!r.ok()) {
            throw new IllegalStateException(what + " failed: " + String.join(" | ", r.errorLines()));
        }
        return r;
    }

    void run(String name, String script) {
        check("podman run", "run", "-d", "--name", name, IMAGE, "sh", "-c", script);
    }

    void remove(String name) {
        List<String> argv = new ArrayList<>(base);
        argv.addAll(List.of("rm", "--force", name));
        Commands.run(argv, env, TIMEOUT);
    }

    /** The container as the memory probe sees it: {@code podman logs} and {@code podman kill -s USR1}. */
    MemoryProbe.Target target(String name) {
        return new MemoryProbe.Target() {
            @Override
            public List<String> lines() {
                List<String> argv = new ArrayList<>(base);
                argv.addAll(List.of("logs", name));
                CommandResult r = Commands.run(argv, env, Duration.ofMinutes(1));
                return r.ok() ? r.stdout().lines().toList() : List.of();
            }

            @Override
            public void signalUsr1() {
                check("podman kill", "kill", "-s", "USR1", name);
            }
        };
    }

    @Override
    public void close() {
        List<String> argv = new ArrayList<>(base);
        argv.addAll(List.of("rm", "--all", "--force"));
        Commands.run(argv, env, TIMEOUT);
        Mounts.unmountBelow(work);
        FileTrees.deleteRecursively(work);
    }
}
