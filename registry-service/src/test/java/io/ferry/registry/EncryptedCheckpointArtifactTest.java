package io.ferry.registry;

import io.ferry.core.checkpoint.CheckpointArtifacts;
import io.ferry.core.checkpoint.CheckpointOptions;
import io.ferry.core.checkpoint.RestoreOptions;
import io.ferry.core.crypto.ArchiveKey;
import io.ferry.core.engine.ArchiveSource;
import io.ferry.core.engine.ArchiveTarget;
import io.ferry.core.engine.EngineSettings;
import io.ferry.core.engine.ExportedCheckpoint;
import io.ferry.core.engine.MigrationKey;
import io.ferry.core.error.InvalidArchiveException;
import io.ferry.core.oci.MediaTypes;
import io.ferry.core.oci.Sha256;
import io.ferry.core.testing.TestHost;
import io.ferry.core.testing.TestHosts;
import io.ferry.core.trust.HostKeys;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A checkpoint encrypted at rest in registry-service: the blob is ciphertext, the manifest marks the
 * layer {@code +encrypted} and holds no key; the target opens the migration's wrapped key with its
 * own host key, and the archive streams through digest check, decryption and extraction. Every
 * refusal leaves the target without a trace of a container.
 */
@Tag("host")
class EncryptedCheckpointArtifactTest extends RegistryServerTest {
    @RegisterExtension
    final TestHosts hosts = new TestHosts();

    private TestHost host(String label) {
        return hosts.create(label, EngineSettings.defaults().withRegistryAuth("127.0.0.1:" + port + "=ferry:secret"));
    }

    /** {@code source} trusts {@code target}: its identity line in the source's trust store. */
    private static void trust(TestHost source, TestHost target) throws IOException {
        Files.writeString(source.host().root().resolve("trusted-hosts"),
                HostKeys.loadOrCreate(target.host()).identity().format() + "\n");
    }

    private JsonNode manifest(String repo, String tag) {
        V2 v2 = new V2(port);
        return V2.json(v2.send(v2.authed("/v2/" + repo + "/manifests/" + tag, V2.pull(repo))
                .header("Accept", MediaTypes.OCI_MANIFEST).GET()).body());
    }

    private Path blob(String digest) {
        String hex = Sha256.hex(digest);
        return DATA.resolve("blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex);
    }

    private static void assertNothingLeft(TestHost h) {
        assertThat(h.leftoverContainerDirs()).isEmpty();
        assertThat(h.leftoverNetns()).isEmpty();
        assertThat(h.leftoverMounts()).isEmpty();
        assertThat(h.runcContainers()).isEmpty();
    }

    @Test
    void anEncryptedCheckpointMovesThroughTheRegistryAndOnlyTheTargetOpensIt() throws IOException {
        TestHost a = host("enca");
        TestHost b = host("encb");
        trust(a, b);
        a.runLooper("looper");
        a.log("looper").awaitNumberAtLeast(2, Duration.ofSeconds(20));

        MigrationKey key = a.engine().newMigrationKey("m-1", b.host().id());
        String url = "registry://127.0.0.1:" + port + "/checkpoints/secret:m-1";
        ExportedCheckpoint exported = a.engine().checkpoint("looper", CheckpointOptions.defaults(),
                new ArchiveTarget.Registry(url, key.key()));
        int stoppedAt = a.log("looper").last();

        JsonNode layer = manifest("checkpoints/secret", "m-1").path("layers").path(0);
        assertThat(layer.path("mediaType").asString())
                .isEqualTo(MediaTypes.checkpointArchive("zstd") + CheckpointArtifacts.ENCRYPTED_SUFFIX);
        assertThat(layer.path("annotations").path(CheckpointArtifacts.ENCRYPTION_ANNOTATION).asString())
                .isEqualTo(CheckpointArtifacts.ENCRYPTION_SCHEME);
        String manifestText = manifest("checkpoints/secret", "m-1").toString();
        assertThat(manifestText).doesNotContain(Base64.getEncoder().encodeToString(key.key().bytes()))
                .doesNotContain(Base64.getUrlEncoder().withoutPadding().encodeToString(key.key().bytes()))
                .doesNotContain(key.wrapped());
        byte[] start = new byte[8];
        try (var in = Files.newInputStream(blob(exported.archiveDigest()))) {
            in.readNBytes(start, 0, 8);
        }
        assertThat(start).as("the registry holds the ciphertext")
                .isEqualTo(new byte[]{(byte) 0x89, 'F', 'E', 'R', 'R', 'Y', 'A', 'E'});

        ArchiveKey opened = b.engine().openMigrationKey("m-1", key.wrapped());
        b.engine().restore(new ArchiveSource.Registry(url).withKey(opened), RestoreOptions.defaults().forMigration("m-1"));
        List<Integer> n = b.log("looper").awaitNumberAtLeast(stoppedAt + 2, Duration.ofSeconds(20)).numbers();
        for (int i = 0; i < n.size(); i++) {
            assertThat(n.get(i)).as("counter on B: %s", n).isEqualTo(i);
        }
    }

    @Test
    void keysForAnotherHostOrMigrationAndMissingOrUnexpectedKeysAreRefused() throws IOException {
        TestHost a = host("encra");
        TestHost b = host("encrb");
        TestHost c = host("encrc");
        trust(a, b);
        a.runLooper("looper");
        a.log("looper").awaitNumberAtLeast(1, Duration.ofSeconds(20));
        MigrationKey key = a.engine().newMigrationKey("m-1", b.host().id());
        String url = "registry://127.0.0.1:" + port + "/checkpoints/refusals:m-1";
        a.engine().checkpoint("looper", CheckpointOptions.defaults().leavingRunning(), new ArchiveTarget.Registry(url, key.key()));
        String plainUrl = "registry://127.0.0.1:" + port + "/checkpoints/refusals:plain";
        a.engine().checkpoint("looper", CheckpointOptions.defaults().leavingRunning(), new ArchiveTarget.Registry(plainUrl));

        assertThatThrownBy(() -> c.engine().openMigrationKey("m-1", key.wrapped()))
                .isInstanceOf(InvalidArchiveException.class).hasMessageContaining("is not wrapped to this host's key");
        assertThatThrownBy(() -> b.engine().openMigrationKey("m-2", key.wrapped()))
                .isInstanceOf(InvalidArchiveException.class).hasMessageContaining("does not unwrap for migration=m-2");
        assertThatThrownBy(() -> a.engine().newMigrationKey("m-3", c.host().id()))
                .hasMessageContaining("is not in this host's trust store");

        assertThatThrownBy(() -> b.engine().restore(new ArchiveSource.Registry(url), RestoreOptions.defaults()))
                .isInstanceOf(InvalidArchiveException.class).hasMessageContaining("is encrypted, and no key was given");
        ArchiveKey opened = b.engine().openMigrationKey("m-1", key.wrapped());
        assertThatThrownBy(() -> b.engine().restore(new ArchiveSource.Registry(plainUrl).withKey(opened),
                RestoreOptions.defaults())).isInstanceOf(InvalidArchiveException.class)
                .hasMessageContaining("is not encrypted, but this restore expects an encrypted one");
        assertThatThrownBy(() -> b.engine().restore(new ArchiveSource.Registry(url).withKey(ArchiveKey.generate()),
                RestoreOptions.defaults())).isInstanceOf(InvalidArchiveException.class)
                .hasMessageContaining("checkpoint archive is not authentic: chunk 0 failed authentication");
        assertNothingLeft(b);
        assertThat(a.running("looper")).isTrue();
    }

    @Test
    void aTamperedBlobIsRefusedBeforeAnyOfItIsExtracted() throws IOException {
        TestHost a = host("tampa");
        TestHost b = host("tampb");
        trust(a, b);
        // 1 MiB of random data in the rootfs: the archive spans several 256 KiB chunks
        a.run("looper", "head -c 1048576 /dev/urandom > /noise; " + TestHost.LOOPER);
        a.log("looper").awaitNumberAtLeast(1, Duration.ofSeconds(20));
        MigrationKey key = a.engine().newMigrationKey("m-1", b.host().id());
        String url = "registry://127.0.0.1:" + port + "/checkpoints/tampered:m-1";
        ExportedCheckpoint exported = a.engine().checkpoint("looper", CheckpointOptions.defaults().leavingRunning(),
                new ArchiveTarget.Registry(url, key.key()));
        assertThat(exported.archiveSize()).isGreaterThan(1 << 20);
        ArchiveKey opened = b.engine().openMigrationKey("m-1", key.wrapped());
        Path stored = blob(exported.archiveDigest());

        flip(stored, 100); // inside chunk 0: refused by the cipher, long before the digest is known at the end
        assertThatThrownBy(() -> b.engine().restore(new ArchiveSource.Registry(url).withKey(opened),
                RestoreOptions.defaults())).isInstanceOf(InvalidArchiveException.class)
                .hasMessage("checkpoint archive is not authentic: chunk 0 failed authentication: the archive was altered"
                        + " or cut short, its chunks reordered, dropped or duplicated, or it was encrypted with another key");
        assertNothingLeft(b);
        flip(stored, 100);

        flip(stored, exported.archiveSize() - 1); // the last chunk's tag: the digest, checked as the blob ends, refuses first
        assertThatThrownBy(() -> b.engine().restore(new ArchiveSource.Registry(url).withKey(opened),
                RestoreOptions.defaults())).isInstanceOf(InvalidArchiveException.class)
                .hasMessageContaining("archive download has digest");
        assertNothingLeft(b);
        if (Files.isDirectory(b.host().tmp())) {
            try (var s = Files.list(b.host().tmp())) {
                assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("restore-"))).isEmpty();
            }
        }
        assertThat(new String(Files.readAllBytes(stored), StandardCharsets.ISO_8859_1)).doesNotContain("config.dump");
    }

    private static void flip(Path file, long offset) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            int v = f.read();
            f.seek(offset);
            f.write(v ^ 1);
        }
    }
}
