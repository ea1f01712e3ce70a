package io.ferry.cli;

import io.ferry.core.testing.TestHost;
import io.ferry.core.testing.TestHosts;
import io.ferry.core.trust.HostKeys;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import static io.ferry.cli.FerryCliTest.ferry;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ferry checkpoint --export FILE --encrypt-to HOST}: a running container's archive encrypted to
 * host B, restored there with {@code --import} (real runc + CRIU), and refused on host C, which is not
 * a recipient, with nothing left behind; a tampered copy is refused on B too.
 */
@Tag("host")
class EncryptedExportCliTest {
    @RegisterExtension
    final TestHosts hosts = new TestHosts();
    @TempDir
    Path tmp;

    private static final byte[] MAGIC = {(byte) 0x89, 'F', 'E', 'R', 'R', 'Y', 'A', 'E'};

    private static byte[] start(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(8);
        }
    }

    @Test
    void anExportEncryptedToBRestoresOnBAndIsRefusedOnC() throws IOException {
        TestHost a = hosts.create("enca");
        TestHost b = hosts.create("encb");
        TestHost c = hosts.create("encc");
        // A trusts B (its trust store names B); C's identity is handed over as a file
        Files.writeString(a.host().root().resolve("trusted-hosts"),
                "# hosts A may encrypt to\n" + HostKeys.loadOrCreate(b.host()).identity().format() + "\n");
        a.runLooper("looper");
        a.log("looper").awaitNumberAtLeast(2, Duration.ofSeconds(20));

        Path archive = tmp.resolve("looper.tar.zst.enc");
        FerryCliTest.Run checkpoint = ferry(a, "checkpoint", "looper", "--export", archive.toString(),
                "--encrypt-to", b.host().id());
        assertThat(checkpoint.exit()).as(checkpoint.err()).isZero();
        assertThat(start(archive)).isEqualTo(MAGIC);
        int stoppedAt = a.log("looper").last();

        FerryCliTest.Run inspectOnC = ferry(c, "inspect", archive.toString());
        assertThat(inspectOnC.exit()).isEqualTo(FerryCli.EXIT_INVALID_ARCHIVE);
        assertThat(inspectOnC.err()).contains("is encrypted to host(s) " + b.host().id() + "; this host ("
                + c.host().id() + ", key SHA256:").contains("is not one of its recipients");
        FerryCliTest.Run restoreOnC = ferry(c, "restore", "--import", archive.toString());
        assertThat(restoreOnC.exit()).isEqualTo(FerryCli.EXIT_INVALID_ARCHIVE);
        assertThat(restoreOnC.err()).contains("is not one of its recipients");
        assertThat(c.leftoverContainerDirs()).isEmpty();
        assertThat(c.runcContainers()).isEmpty();

        Path tampered = tmp.resolve("tampered.enc");
        byte[] bytes = Files.readAllBytes(archive);
        bytes[bytes.length / 2] ^= 1;
        Files.write(tampered, bytes);
        FerryCliTest.Run tamperedOnB = ferry(b, "restore", "--import", tampered.toString());
        assertThat(tamperedOnB.exit()).isEqualTo(FerryCli.EXIT_INVALID_ARCHIVE);
        assertThat(tamperedOnB.err()).contains("Error: checkpoint archive is not authentic: chunk ")
                .contains("failed authentication");
        assertThat(b.leftoverContainerDirs()).isEmpty();

        FerryCliTest.Run inspectOnB = ferry(b, "inspect", archive.toString());
        assertThat(inspectOnB.exit()).as(inspectOnB.err()).isZero();
        assertThat(inspectOnB.out()).contains("Container:     looper").contains("(zstd, encrypted)").contains("] sh");

        FerryCliTest.Run restore = ferry(b, "restore", "--import", archive.toString());
        assertThat(restore.exit()).as(restore.err()).isZero();
        b.log("looper").awaitNumberAtLeast(stoppedAt + 2, Duration.ofSeconds(20));
        var n = b.log("looper").numbers();
        for (int i = 0; i < n.size(); i++) {
            assertThat(n.get(i)).as("counter on B: %s", n).isEqualTo(i);
        }
    }

    @Test
    void recipientsComeFromAnIdentityFileOrTheTrustStoreAndPlainExportsStayPlain() throws IOException {
        TestHost a = hosts.create("encfa");
        TestHost b = hosts.create("encfb");
        Path identity = tmp.resolve("b.identity");
        Files.writeString(identity, HostKeys.loadOrCreate(b.host()).identity().format() + "\n");
        a.runLooper("looper");
        a.log("looper").awaitNumberAtLeast(1, Duration.ofSeconds(20));

        FerryCliTest.Run unknown = ferry(a, "checkpoint", "looper", "-R", "--export", tmp.resolve("x").toString(),
                "--encrypt-to", "nosuchhost");
        assertThat(unknown.exit()).isEqualTo(FerryCli.EXIT_NOT_FOUND);
        assertThat(unknown.err()).contains("recipient \"nosuchhost\" is neither a file with a host identity line nor a"
                + " host of this host's trust store");
        FerryCliTest.Run registry = ferry(a, "checkpoint", "looper", "-R", "--export", "registry://127.0.0.1:1/x:1",
                "--encrypt-to", identity.toString());
        assertThat(registry.exit()).isEqualTo(FerryCli.EXIT_USAGE);
        assertThat(registry.err()).contains("--encrypt-to applies to a file export");
        assertThat(a.running("looper")).isTrue();

        Path encrypted = tmp.resolve("enc");
        assertThat(ferry(a, "checkpoint", "looper", "-R", "--export", encrypted.toString(), "--encrypt-to",
                identity.toString()).exit()).isZero();
        assertThat(start(encrypted)).isEqualTo(MAGIC);
        Path plain = tmp.resolve("plain.tar.zst");
        assertThat(ferry(a, "checkpoint", "looper", "-R", "--export", plain.toString()).exit()).isZero();
        assertThat(Arrays.copyOf(start(plain), 4)).as("zstd, as Podman writes it")
                .isEqualTo(new byte[]{0x28, (byte) 0xb5, 0x2f, (byte) 0xfd});
        assertThat(ferry(b, "inspect", encrypted.toString()).out()).contains("(zstd, encrypted)");
    }
}
