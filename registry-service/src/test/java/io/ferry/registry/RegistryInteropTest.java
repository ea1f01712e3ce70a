package io.ferry.registry;

import io.ferry.core.engine.EngineSettings;
import io.ferry.core.exec.CommandResult;
import io.ferry.core.exec.Commands;
import io.ferry.core.os.FileTrees;
import io.ferry.core.testing.BusyboxImage;
import io.ferry.core.testing.TestHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Standard clients against registry-service: Debian's skopeo copies an image in and back out
 * byte-identical, and Debian's podman pulls an image Ferry pushed and runs it. Tagged host: needs
 * root and skopeo + podman (scripts/test.sh installs them).
 */
@Tag("host")
class RegistryInteropTest extends RegistryServerTest {
    Path work;

    @BeforeEach
    void work() throws IOException {
        work = Files.createTempDirectory("ferry-interop");
    }

    @AfterEach
    void cleanUp() {
        FileTrees.deleteRecursively(work);
    }

    private String registry() {
        return "127.0.0.1:" + port;
    }

    private static CommandResult run(List<String> argv, Map<String, String> env) {
        CommandResult r = Commands.run(argv, env, Duration.ofMinutes(3));
        assertThat(r.exitCode()).as(String.join(" ", argv) + "\n" + r.stderr()).isZero();
        return r;
    }

    @Test
    void skopeoCopiesAnImageInAndBackOutByteIdentical() throws IOException {
        Path in = work.resolve("in");
        Path out = work.resolve("out");
        run(List.of("skopeo", "copy", "--quiet", "tarball:" + BusyboxImage.tarball(), "oci:" + in + ":busybox"), Map.of());

        run(List.of("skopeo", "copy", "--quiet", "--dest-creds", "ferry:secret", "--dest-tls-verify=false",
                "oci:" + in + ":busybox", "docker://" + registry() + "/interop/busybox:1"), Map.of());
        run(List.of("skopeo", "copy", "--quiet", "--src-creds", "ferry:secret", "--src-tls-verify=false",
                "docker://" + registry() + "/interop/busybox:1", "oci:" + out + ":busybox"), Map.of());

        assertThat(blobs(out)).isEqualTo(blobs(in)).isNotEmpty();
        for (String blob : blobs(in)) {
            assertThat(Files.mismatch(in.resolve(blob), out.resolve(blob))).as(blob).isEqualTo(-1L);
        }
        String listed = run(List.of("skopeo", "list-tags", "--creds", "ferry:secret", "--tls-verify=false",
                "docker://" + registry() + "/interop/busybox"), Map.of()).stdout();
        assertThat(listed).contains("\"1\"");
    }

    private static List<String> blobs(Path layout) throws IOException {
        try (Stream<Path> s = Files.walk(layout.resolve("blobs"))) {
            return s.filter(Files::isRegularFile).map(p -> layout.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void podmanPullsAndRunsAnImagePushedByFerry() throws IOException {
        String ref = registry() + "/ferry/busybox:pushed";
        try (TestHost host = TestHost.create("push", EngineSettings.defaults().withRegistryAuth(registry() + "=ferry:secret"))) {
            host.engine().images().push(BusyboxImage.REF, ref);
        }
        Path conf = work.resolve("containers.conf");
        Files.writeString(conf, """
                [containers]
                default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
                netns = "none"
                [engine]
                runtime = "runc"
                cgroup_manager = "cgroupfs"
                events_logger = "file"
                """);
        Map<String, String> env = Map.of("CONTAINERS_CONF", conf.toString());
        List<String> podman = new ArrayList<>(List.of("podman", "--root", work.resolve("storage").toString(),
                "--runroot", work.resolve("run").toString(), "--storage-driver", "vfs"));
        try {
            List<String> pull = new ArrayList<>(podman);
            pull.addAll(List.of("pull", "--quiet", "--creds", "ferry:secret", "--tls-verify=false", ref));
            run(pull, env);
            List<String> container = new ArrayList<>(podman);
            container.addAll(List.of("run", "--rm", ref, "/bin/sh", "-c", "echo hello from $(cat /var/www/index.html)"));
            assertThat(run(container, env).stdout().strip()).isEqualTo("hello from hello from ferry");
        } finally {
            List<String> reset = new ArrayList<>(podman);
            reset.addAll(List.of("rm", "--all", "--force"));
            Commands.run(reset, env, Duration.ofMinutes(1));
        }
    }
}
