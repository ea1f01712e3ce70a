package io.ferry.core.trust;

import io.ferry.core.error.UntrustedCheckpointException;
import io.ferry.core.host.Host;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The signed statement's bytes, and every way a verifier refuses a signature, each with its reason. */
class CheckpointVerifierTest {
    private static final String DIGEST = "sha256:" + "ab".repeat(32);
    private static final String OTHER_DIGEST = "sha256:" + "cd".repeat(32);

    @TempDir
    Path dir;
    private HostKeys a;
    private HostKeys c;
    private HostKeys mallory;
    private CheckpointVerifier verifier;

    @BeforeEach
    void trustAAndC() throws Exception {
        a = HostKeys.loadOrCreate(new Host("a", dir.resolve("a")));
        c = HostKeys.loadOrCreate(new Host("c", dir.resolve("c")));
        mallory = HostKeys.loadOrCreate(new Host("a", dir.resolve("m"))); // claims to be host a
        Path store = dir.resolve("trusted-hosts");
        Files.writeString(store, a.identity().format() + "\n" + c.identity().format() + "\n");
        verifier = new CheckpointVerifier(new TrustStore(store));
    }

    private static CheckpointStatement expected() {
        return new CheckpointStatement(DIGEST, "m1", "a", "b");
    }

    @Test
    void theStatementIsFixedVersionedLines() {
        assertThat(new String(expected().bytes(), StandardCharsets.UTF_8)).isEqualTo("""
                ferry-checkpoint-signature/v1
                digest sha256:%s
                migration m1
                source a
                target b
                """.formatted("ab".repeat(32)));
        assertThat(new String(CheckpointStatement.export(DIGEST, "a").bytes(), StandardCharsets.UTF_8))
                .contains("migration -\n").endsWith("target *\n");
    }

    @Test
    void fieldsThatCouldShiftTheLinesAreRefused() {
        assertThatThrownBy(() -> new CheckpointStatement(DIGEST, "m1\nsource x", "a", "b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("migration");
        assertThatThrownBy(() -> new CheckpointStatement(DIGEST, "m1", "a b", "b")).hasMessageContaining("source");
        assertThatThrownBy(() -> new CheckpointStatement("sha256:AB", "m1", "a", "b")).hasMessageContaining("digest");
        assertThatThrownBy(() -> new CheckpointStatement(DIGEST, "m1", "a", "*x")).hasMessageContaining("target");
    }

    @Test
    void aSignatureByTheSourceForThisMigrationAndHostIsAccepted() {
        HostIdentity signer = verifier.verify(expected(), CheckpointSignature.sign(a, expected()), "x");
        assertThat(signer.hostId()).isEqualTo("a");
    }

    @Test
    void unsignedIsRefused() {
        assertThatThrownBy(() -> verifier.verify(expected(), null, "the archive x"))
                .isInstanceOf(UntrustedCheckpointException.class)
                .hasMessageStartingWith("the archive x is not signed: this host restores only checkpoints signed by a host in its trust store");
    }

    @Test
    void aKeyNotInTheTrustStoreIsRefusedEvenWhenItClaimsTheSourceHost() {
        CheckpointSignature s = CheckpointSignature.sign(mallory, expected());
        assertThatThrownBy(() -> verifier.verify(expected(), s, "the archive x"))
                .isInstanceOf(UntrustedCheckpointException.class)
                .hasMessage("the archive x is signed by key " + mallory.identity().fingerprint()
                        + ", which is not in this host's trust store: add the signer's `ferry host key` line to the"
                        + " trust store if it is a host you trust");
    }

    @Test
    void anArchiveSignedForAnotherHostIsRefused() {
        CheckpointStatement forC = new CheckpointStatement(DIGEST, "m1", "a", "c");
        CheckpointSignature s = CheckpointSignature.sign(a, forC);
        assertThatThrownBy(() -> verifier.verify(expected(), s, "the archive x"))
                .hasMessage("the archive x was signed by a for host c, not for this host b (an archive replayed to another host)");
    }

    @Test
    void anArchiveSignedForAnotherMigrationIsRefused() {
        CheckpointSignature s = CheckpointSignature.sign(a, new CheckpointStatement(DIGEST, "m0", "a", "b"));
        assertThatThrownBy(() -> verifier.verify(expected(), s, "the archive x"))
                .hasMessage("the archive x was signed by a for migration m0, not for migration m1");
    }

    @Test
    void aTrustedKeyOfAnotherHostIsNotTheSource() {
        CheckpointSignature s = CheckpointSignature.sign(c, new CheckpointStatement(DIGEST, "m1", "c", "b"));
        assertThatThrownBy(() -> verifier.verify(expected(), s, "the archive x"))
                .hasMessage("the archive x is signed by host c, not by its source host a");
        CheckpointSignature claimingA = CheckpointSignature.sign(c, expected()); // c's key over a statement naming a
        assertThatThrownBy(() -> verifier.verify(expected(), claimingA, "the archive x"))
                .isInstanceOf(UntrustedCheckpointException.class).hasMessageContaining("altered");
    }

    @Test
    void theClaimsAreNotTrustedAndAnotherArchiveDoesNotVerify() {
        CheckpointSignature other = CheckpointSignature.sign(a, new CheckpointStatement(OTHER_DIGEST, "m1", "a", "b"));
        assertThatThrownBy(() -> verifier.verify(expected(), other, "the archive x"))
                .hasMessageContaining("that does not match this archive").hasMessageContaining("altered");
        // claims rewritten to match the expectation do not make a signature for host c valid for b
        CheckpointSignature forC = CheckpointSignature.sign(a, new CheckpointStatement(DIGEST, "m1", "a", "c"));
        CheckpointSignature lying = new CheckpointSignature(forC.signature(), forC.keyFingerprint(), "m1", "b");
        assertThatThrownBy(() -> verifier.verify(expected(), lying, "x")).isInstanceOf(UntrustedCheckpointException.class);
        CheckpointSignature garbage = new CheckpointSignature("%%%", forC.keyFingerprint(), "m1", "b");
        assertThatThrownBy(() -> verifier.verify(expected(), garbage, "x")).hasMessageContaining("malformed signature");
    }

    @Test
    void aRemovedTrustStoreLineRevokesAtOnce() throws Exception {
        CheckpointSignature s = CheckpointSignature.sign(a, expected());
        Files.writeString(dir.resolve("trusted-hosts"), c.identity().format() + "\n");
        assertThatThrownBy(() -> verifier.verify(expected(), s, "x")).hasMessageContaining("not in this host's trust store");
    }

    /** The cost of signing and verifying one statement (Ed25519, JDK), reported for the closing note. */
    @Test
    void oneSignAndOneVerifyCostAFewMilliseconds() {
        CheckpointStatement st = expected();
        for (int i = 0; i < 300; i++) { // warm up
            verifier.verify(st, CheckpointSignature.sign(a, st), "x");
        }
        int n = 500;
        long t0 = System.nanoTime();
        CheckpointSignature s = null;
        for (int i = 0; i < n; i++) {
            s = CheckpointSignature.sign(a, st);
        }
        long t1 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            verifier.verify(st, s, "x");
        }
        long t2 = System.nanoTime();
        double signMicros = (t1 - t0) / 1000.0 / n;
        double verifyMicros = (t2 - t1) / 1000.0 / n;
        System.out.printf("checkpoint signature cost: sign %.0f us, verify %.0f us (incl. reading the trust store)%n",
                signMicros, verifyMicros);
        assertThat(signMicros + verifyMicros).isLessThan(20_000);
    }
}
