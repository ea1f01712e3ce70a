package io.ferry.core.testing;

import io.ferry.core.criu.Criu;
import io.ferry.core.criu.Executables;
import io.ferry.core.exec.CommandResult;
import io.ferry.core.exec.Commands;
import io.ferry.core.os.FileTrees;
import io.ferry.core.os.Mounts;

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
 * Debian's podman with its own config, storage and run dirs under a temp dir, set up as
 * ../shared/HOST-RUNTIME.md found it works here: runc, cgroupfs, file events, nofile capped at 20000,
 * no network; Ferry's CRIU (>= 4.2) first on PATH and as runc's --criu. The busybox rootfs is imported
 * under {@link #IMAGE} and under Ferry's test image name ({@link BusyboxImage#REF}, for archives Ferry
 * wrote). {@link #close()} removes its containers and its directory. Used by the interop tests and the
 * compare bench (one copy).
 */
public final class Podman implements AutoCloseable {
    public static final String IMAGE = "localhost/ferry-bench-busybox:latest";
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
    public static Optional<Podman> open(Criu criu, StringBuilder whyNot) throws IOException {
        if (Executables.onPath("podman").isEmpty()) {
            whyNot.append("podman not installed (scripts/test.sh installs it)");
            return Optional.empty();
        }
        Podman p = new Podman(Files.createTempDirectory("ferry-podman"), criu);
        try {
            p.check("podman import", "import", p.withRootEntry(BusyboxImage.tarball()).toString(), IMAGE);
            p.check("podman tag", "tag", IMAGE, BusyboxImage.REF);
        } catch (RuntimeException e) {
            p.close();
            whyNot.append("podman cannot import the busybox image: ").append(e.getMessage());
            return Optional.empty();
        }
        return Optional.of(p);
    }

    /**
     * The busybox tarball with a "./" entry of mode 0755 first: without one Podman's storage makes the
     * root 0555 while Ferry's overlay root is 0755, and CRIU refuses a root whose mode changed
     * ("File . has bad mode").
     */
    private Path withRootEntry(Path tarball) throws IOException {
        Path out = work.resolve("busybox-rooted.tar");
        try (var in = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(Files.newInputStream(tarball));
             var tar = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(Files.newOutputStream(out))) {
            tar.setLongFileMode(org.apache.commons.compress.archivers.tar.TarArchiveOutputStream.LONGFILE_POSIX);
            var root = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("./");
            root.setMode(040755);
            tar.putArchiveEntry(root);
            tar.closeArchiveEntry();
            org.apache.commons.compress.archivers.tar.TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                tar.putArchiveEntry(e);
                if (e.isFile()) {
                    in.transferTo(tar);
                }
                tar.closeArchiveEntry();
            }
        }
        return out;
    }

    /** Runs podman with these arguments; IllegalStateException with its error lines when it fails. */
    public CommandResult check(String what, String... args) {
        CommandResult r = invoke(args);
        if (!r.ok()) {
            throw new IllegalStateException(what + " failed: " + String.join(" | ", r.errorLines()) + logTail(r));
        }
        return r;
    }

    /** The end of the CRIU log a failed checkpoint or restore names ("log file: PATH"), so a test report shows why. */
    private static String logTail(CommandResult r) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("log file: (\\S+)").matcher(String.join(" ", r.errorLines()));
        if (!m.find()) {
            return "";
        }
        try {
            List<String> lines = Files.readAllLines(Path.of(m.group(1)));
            return "\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** Runs podman with these arguments, whatever its exit status. */
    public CommandResult invoke(String... args) {
        List<String> argv = new ArrayList<>(base);
        argv.addAll(List.of(args));
        return Commands.run(argv, env, TIMEOUT);
    }

    public void run(String name, String script) {
        check("podman run", "run", "-d", "--name", name, IMAGE, "sh", "-c", script);
    }

    public void remove(String name) {
        invoke("rm", "--force", name);
    }

    /** {@code podman logs NAME}, line by line (empty when it fails). */
    public List<String> logs(String name) {
        CommandResult r = invoke("logs", name);
        return r.ok() ? r.stdout().lines().toList() : List.of();
    }

    /**
     * Removes its containers and its whole storage. A container's conmon runs `podman container cleanup` after the
     * rm has returned, writing into the storage meanwhile (seen: "directory not empty" under load): a few tries.
     */
    @Override
    public void close() {
        invoke("rm", "--all", "--force");
        for (int attempt = 1; ; attempt++) {
            Mounts.unmountBelow(work);
            try {
                FileTrees.deleteRecursively(work);
                return;
            } catch (java.io.UncheckedIOException stillWritten) {
                if (attempt == 10) {
                    throw stillWritten;
                }
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw stillWritten;
                }
            }
        }
    }
}
