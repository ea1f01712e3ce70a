package io.ferry.registry;

import io.ferry.core.checkpoint.CheckpointOptions;
import io.ferry.core.checkpoint.RestoreOptions;
import io.ferry.core.engine.ArchiveSource;
import io.ferry.core.engine.ArchiveTarget;
import io.ferry.core.engine.EngineSettings;
import io.ferry.core.engine.ExportedCheckpoint;
import io.ferry.core.error.FerryException;
import io.ferry.core.error.UntrustedCheckpointException;
import io.ferry.core.oci.MediaTypes;
import io.ferry.core.testing.TestHost;
import io.ferry.core.testing.TestHosts;
import io.ferry.protocol.ArchiveAnnotations;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A migration's archive through registry-service, signed by the source for one migration and one
 * target, pulled by its manifest digest: an overwritten tag, an untrusted key, a replay to another
 * host, another migration and an unsigned archive are each refused with their reason before anything
 * is extracted on the target, and the source's container can still be brought back.
 */
@Tag("host")
class SignedCheckpointArtifactTest extends RegistryServerTest {
    @RegisterExtension
    final TestHosts hosts = new TestHosts();

    private TestHost host(String label) {
        return hosts.create(label, EngineSettings.defaults().withRegistryAuth("127.0.0.1:" + port + "=ferry:secret"));
    }

    /** The identity lines of {@code trusted} become {@code host}'s trust store (as an operator writes it). */
    private static void trusts(TestHost host, TestHost... trusted) throws IOException {
        StringBuilder lines = new StringBuilder("# hosts whose checkpoints " + host.host().id() + " restores\n");
        for (TestHost t : trusted) {
            lines.append(t.engine().hostIdentity()).append('\n');
        }
        Files.writeString(host.host().root().resolve("trusted-hosts"), lines);
    }

    private String url(String repo) {
        return "registry://127.0.0.1:" + port + "/checkpoints/" + repo + ":" + UUID.randomUUID();
    }

    private static String migrationOf(String url) {
        return url.substring(url.lastIndexOf(':') + 1);
    }

    /** The looper runs on {@code a} and is checkpointed to {@code url}, signed for the url's migration and {@code target}. */
    private static ExportedCheckpoint checkpointLooper(TestHost a, String url, TestHost target) {
        a.engine().hostIdentity(); // the source's keys, as its service makes them on first start
        a.runLooper("looper");
        a.log("looper").awaitNumberAtLeast(2, Duration.ofSeconds(20));
        return a.engine().checkpoint("looper", CheckpointOptions.defaults(),
                new ArchiveTarget.Registry(url, migrationOf(url), target.host().id()));
    }

    private static void nothingWasMadeOn(TestHost h) {
        assertThat(h.leftoverContainerDirs()).isEmpty();
        assertThat(h.runcContainers()).isEmpty();
        assertThat(h.leftoverNetns()).isEmpty();
    }

    @Test
    void theArchiveIsSignedInItsManifestAndAnOverwrittenTagIsNotWhatTheMigrationRestores() throws IOException {
        TestHost a = host("pina");
        TestHost b = host("pinb");
        trusts(b, a);
        String url = url("pinned");
        ExportedCheckpoint pinned = checkpointLooper(a, url, b);
        int stoppedAt = a.log("looper").last();
        // the same tag, overwritten afterwards by another archive (even one the source signed for this migration)
        a.run("intruder", "while true; do echo intruder; sleep 1; done");
        a.log("intruder").await(l -> l.lines().contains("intruder"), Duration.ofSeconds(20), "the intruder to run");
        ExportedCheckpoint overwritten = a.engine().checkpoint("intruder", CheckpointOptions.defaults(),
                new ArchiveTarget.Registry(url, migrationOf(url), b.host().id()));
        assertThat(overwritten.manifestDigest()).isNotEqualTo(pinned.manifestDigest());

        var restored = b.engine().restore(ArchiveSource.Registry.ofMigration(url, pinned.manifestDigest(), migrationOf(url),
                a.host().id()), RestoreOptions.defaults());

        assertThat(restored.container().name()).isEqualTo("looper");
        List<Integer> n = b.log("looper").awaitNumberAtLeast(stoppedAt + 2, Duration.ofSeconds(20)).numbers();
        for (int i = 0; i < n.size(); i++) {
            assertThat(n.get(i)).as("counter on B: %s", n).isEqualTo(i);
        }
        assertThat(b.engine().find("intruder")).isEmpty();
        // what a target learns from the manifest: the signature and the key that made it
        var manifest = V2.json(new V2(port).send(new V2(port).authed("/v2/checkpoints/pinned/manifests/"
                + pinned.manifestDigest(), V2.pull("checkpoints/pinned")).header("Accept", MediaTypes.OCI_MANIFEST).GET()).body());
        assertThat(manifest.path("annotations").path(ArchiveAnnotations.SIGNATURE).asString()).isNotEmpty();
        assertThat(manifest.path("annotations").path(ArchiveAnnotations.SIGNATURE_KEY).asString()).startsWith("SHA256:");
        assertThat(manifest.path("annotations").path(ArchiveAnnotations.SIGNATURE_TARGET).asString()).isEqualTo(b.host().id());
    }

    @Test
    void aMigrationArchiveNamedByItsTagAloneIsRefused() throws IOException {
        TestHost a = host("taga");
        TestHost b = host("tagb");
        trusts(b, a);
        String url = url("tagged");
        checkpointLooper(a, url, b);

        assertThatThrownBy(() -> b.engine().restore(new ArchiveSource.Registry(url, false, migrationOf(url), a.host().id()),
                RestoreOptions.defaults()))
                .isInstanceOf(UntrustedCheckpointException.class)
                .hasMessageEndingWith("is not pinned to a manifest digest: a migration's archive is restored only by digest");
        nothingWasMadeOn(b);
    }

    @Test
    void anArchiveSignedByAKeyNotInTheTrustStoreIsRefusedAndTheSourceCanStillRollBack() throws IOException {
        TestHost a = host("untra");
        TestHost b = host("untrb");
        TestHost c = host("untrc");
        trusts(b, c); // b trusts c, not a
        String url = url("untrusted");
        ExportedCheckpoint r = checkpointLooper(a, url, b);

        assertThatThrownBy(() -> b.engine().restore(ArchiveSource.Registry.ofMigration(url, r.manifestDigest(),
                migrationOf(url), a.host().id()), RestoreOptions.defaults()))
                .isInstanceOf(UntrustedCheckpointException.class)
                .hasMessageContaining("is signed by key SHA256:")
                .hasMessageContaining("which is not in this host's trust store");
        nothingWasMadeOn(b);

        assertThat(a.engine().rollback("looper", ArchiveSource.Registry.ofRollback(url, migrationOf(url)))).isTrue();
        int now = a.log("looper").last();
        a.log("looper").awaitNumberAtLeast(now + 2, Duration.ofSeconds(20));
    }

    @Test
    void aRollbackFromTheRegistryRestoresOnlyTheSourcesOwnSignedArchiveOfThatMigration() throws IOException {
        TestHost a = host("rolla");
        TestHost b = host("rollb");
        TestHost u = host("rollu"); // no keys: its archives are unsigned
        String url = url("rollback");
        checkpointLooper(a, url, b); // no local images kept: a rollback restores from the registry
        // whoever can write the registry's storage puts another container under the migration's tag
        u.run("intruder", "while true; do echo intruder; sleep 1; done");
        u.log("intruder").await(l -> l.lines().contains("intruder"), Duration.ofSeconds(20), "the intruder to run");
        u.engine().checkpoint("intruder", CheckpointOptions.defaults(), new ArchiveTarget.Registry(url));

        assertThatThrownBy(() -> a.engine().rollback("looper", ArchiveSource.Registry.ofRollback(url, migrationOf(url))))
                .isInstanceOf(UntrustedCheckpointException.class)
                .hasMessageContaining("is not signed: this host restores only checkpoints signed by a host in its trust store");
        assertThat(a.engine().find("intruder")).isEmpty();
    }

    @Test
    void anArchiveReplayedToAnotherHostOrForAnotherMigrationIsRefused() throws IOException {
        TestHost a = host("repla");
        TestHost b = host("replb");
        TestHost c = host("replc");
        trusts(b, a);
        trusts(c, a);
        String url = url("replayed");
        ExportedCheckpoint r = checkpointLooper(a, url, b);
        String migration = migrationOf(url);

        assertThatThrownBy(() -> c.engine().restore(ArchiveSource.Registry.ofMigration(url, r.manifestDigest(), migration,
                a.host().id()), RestoreOptions.defaults()))
                .isInstanceOf(UntrustedCheckpointException.class)
                .hasMessageContaining("was signed by " + a.host().id() + " for host " + b.host().id() + ", not for this host "
                        + c.host().id());
        nothingWasMadeOn(c);

        assertThatThrownBy(() -> b.engine().restore(ArchiveSource.Registry.ofMigration(url, r.manifestDigest(), "other-migration",
                a.host().id()), RestoreOptions.defaults()))
                .hasMessageContaining("was signed by " + a.host().id() + " for migration " + migration
                        + ", not for migration other-migration");
        // a trusted host is not the source the command names
        trusts(b, a, c);
        assertThatThrownBy(() -> b.engine().restore(ArchiveSource.Registry.ofMigration(url, r.manifestDigest(), migration,
                c.host().id()), RestoreOptions.defaults()))
                .hasMessageContaining("is signed by host " + a.host().id() + ", not by its source host " + c.host().id());
        nothingWasMadeOn(b);
    }

    @Test
    void anUnsignedArchiveIsRefusedAndAHostWithoutKeysDoesNotDumpForAMigration() throws IOException {
        TestHost u = host("unsig"); // never made keys: its exports are unsigned
        TestHost b = host("unsigb");
        trusts(b, b);
        String url = url("unsigned");
        u.runLooper("looper");
        u.log("looper").awaitNumberAtLeast(1, Duration.ofSeconds(20));
        assertThatThrownBy(() -> u.engine().checkpoint("looper", CheckpointOptions.defaults(),
                new ArchiveTarget.Registry(url, migrationOf(url), b.host().id())))
                .isInstanceOf(FerryException.class).hasMessageContaining("has no signing key");
        assertThat(u.running("looper")).as("refused before the dump").isTrue();
        ExportedCheckpoint unsigned = u.engine().checkpoint("looper", CheckpointOptions.defaults(), new ArchiveTarget.Registry(url));

        assertThatThrownBy(() -> b.engine().restore(ArchiveSource.Registry.ofMigration(url, unsigned.manifestDigest(),
                migrationOf(url), u.host().id()), RestoreOptions.defaults()))
                .isInstanceOf(UntrustedCheckpointException.class)
                .hasMessageContaining("is not signed: this host restores only checkpoints signed by a host in its trust store");
        nothingWasMadeOn(b);
    }
}
