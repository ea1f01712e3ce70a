package io.ferry.cli;

import io.ferry.core.json.Json;
import io.ferry.core.testing.TestHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ferry host key}, a signed {@code --export} (FILE.sig) and {@code restore --import} checking
 * it: a tampered signature, an untrusted signer, and --require-signed without a signature are each
 * refused with exit code 5 and a message that says why; a good one restores.
 */
@Tag("host")
class SignedExportCliTest {
    private TestHost a;
    private TestHost b;
    @TempDir
    Path tmp;

    @BeforeEach
    void hosts() {
        a = TestHost.create("siga");
        b = TestHost.create("sigb");
    }

    @AfterEach
    void cleanUp() {
        a.close();
        b.close();
    }

    private FerryCliTest.Run ferry(TestHost host, String... args) {
        return FerryCliTest.ferry(host, args);
    }

    private static void assertRefused(FerryCliTest.Run run, String message) {
        assertThat(run.exit()).as(run.all()).isEqualTo(FerryCli.EXIT_INVALID_ARCHIVE);
        assertThat(run.err()).contains(message);
        assertThat(run.all()).doesNotContainPattern("Exception|java\\.");
    }

    @Test
    void anExportIsSignedOnceTheHostHasKeysAndImportsCheckTheSignature() throws IOException {
        a.runLooper("looper");
        a.log("looper").awaitNumberAtLeast(1, Duration.ofSeconds(20));
        Path unsigned = tmp.resolve("unsigned.tar.zst");
        assertThat(ferry(a, "checkpoint", "-R", "looper", "--export", unsigned.toString()).exit()).isZero();
        assertThat(Path.of(unsigned + ".sig")).as("no keys, no signature, no keys made").doesNotExist();
        assertThat(a.host().keys()).doesNotExist();

        FerryCliTest.Run key = ferry(a, "host", "key");
        assertThat(key.exit()).as(key.all()).isZero();
        String identity = key.out().strip();
        assertThat(identity).startsWith("ferry-host " + a.host().id() + " ed25519:").contains(" x25519:");
        assertThat(ferry(a, "host", "key", "--host-id", a.host().id()).out().strip()).isEqualTo(identity);

        Path archive = tmp.resolve("looper.tar.zst");
        Path sig = Path.of(archive + ".sig");
        assertThat(ferry(a, "checkpoint", "looper", "--export", archive.toString()).exit()).isZero();
        var signature = Json.MAPPER.readTree(Files.readString(sig));
        assertThat(signature.path("format").asString()).isEqualTo("ferry-checkpoint-signature/v1");
        assertThat(signature.path("source").asString()).isEqualTo(a.host().id());
        assertThat(signature.path("target").asString()).isEqualTo("*");
        assertThat(signature.path("migration").asString()).isEqualTo("-");
        byte[] good = Files.readAllBytes(sig);

        // an untrusted signer: b's trust store does not list a
        Path store = b.host().root().resolve("trusted-hosts");
        Files.writeString(store, "# no one yet\n");
        assertRefused(ferry(b, "restore", "--import", archive.toString()), "which is not in this host's trust store");

        Files.writeString(store, identity + "\n");
        // a tampered signature
        ObjectNode tampered = (ObjectNode) Json.MAPPER.readTree(good);
        String s = tampered.path("signature").asString();
        tampered.put("signature", (s.charAt(0) == 'A' ? "B" : "A") + s.substring(1));
        Files.write(sig, Json.bytes(tampered));
        assertRefused(ferry(b, "restore", "--import", archive.toString()), "that does not match this archive");
        Files.writeString(sig, "not json");
        assertRefused(ferry(b, "restore", "--import", archive.toString()), "is not valid JSON");

        // no signature, signatures required
        Files.delete(sig);
        assertRefused(ferry(b, "restore", "--require-signed", "--import", archive.toString()),
                "is not signed (no " + sig + "): this host restores only signed archives");
        assertThat(b.leftoverContainerDirs()).as("nothing extracted by a refused import").isEmpty();

        // the real signature restores, signatures required
        Files.write(sig, good);
        FerryCliTest.Run restored = ferry(b, "restore", "--require-signed", "--import", archive.toString());
        assertThat(restored.exit()).as(restored.all()).isZero();
        assertThat(b.running("looper")).isTrue();
    }
}
