package io.ferry.core.engine;

import io.ferry.core.checkpoint.CheckpointArtifacts;
import io.ferry.core.error.UntrustedCheckpointException;
import io.ferry.core.host.Host;
import io.ferry.core.registry.Reference;
import io.ferry.core.trust.CheckpointSignature;
import io.ferry.core.trust.CheckpointStatement;
import io.ferry.core.trust.CheckpointVerifier;
import io.ferry.core.trust.HostKeys;
import io.ferry.core.trust.SignatureFile;
import io.ferry.core.trust.TrustStore;
import io.ferry.protocol.ArchiveAnnotations;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Which archives this host restores. A migration's archive: pinned to its manifest digest and
 * signed by a trusted key of the source host the command names, for this migration and this host,
 * always. A file import: its {@code FILE.sig}, when present, must verify; without one it is refused
 * under {@link EngineSettings#requireSigned()}. A registry archive named on the command line: its
 * signature, when present, must be by a trusted key of the host it names as source.
 */
final class CheckpointTrust {
    static final String DEFAULT_FILE = "trusted-hosts";
    private final Host host;
    private final EngineSettings settings;

    CheckpointTrust(Host host, EngineSettings settings) {
        this.host = host;
        this.settings = settings;
    }

    TrustStore store() {
        return new TrustStore(settings.trustStore() != null ? settings.trustStore() : host.root().resolve(DEFAULT_FILE));
    }

    /** True when the file has a signature to verify; refuses an unsigned one when signatures are required. */
    boolean verifiesFile(Path archive) {
        if (Files.exists(SignatureFile.of(archive))) {
            return true;
        }
        if (settings.requireSigned()) {
            throw new UntrustedCheckpointException("the archive " + archive + " is not signed (no " + SignatureFile.of(archive)
                    + "): this host restores only signed archives (--require-signed or FERRY_REQUIRE_SIGNED=true)");
        }
        return false;
    }

    void verifyFile(Path archive, String digest) {
        Path sigFile = SignatureFile.of(archive);
        SignatureFile sig = SignatureFile.read(sigFile);
        CheckpointStatement expected;
        try {
            expected = CheckpointStatement.export(digest, sig.source());
        } catch (IllegalArgumentException e) {
            throw new UntrustedCheckpointException("the signature " + sigFile + " names no valid source host: " + e.getMessage());
        }
        verifier().verify(expected, signatureOf(() -> sig.signatureValue()), "the archive " + archive);
    }

    void requirePinned(Reference ref, ArchiveSource.Registry source) {
        if (source.migrationId() != null && source.sourceHost() != null && ref.digest() == null) {
            throw new UntrustedCheckpointException("the archive " + ref + " of migration " + source.migrationId()
                    + " is not pinned to a manifest digest: a migration's archive is restored only by digest");
        }
    }

    /** Checks the artifact's signature (in its manifest's annotations) before its archive is downloaded. */
    void verifyArtifact(CheckpointArtifacts.Artifact artifact, ArchiveSource.Registry source) {
        CheckpointSignature sig = signatureOf(() -> CheckpointSignature.fromAnnotations(artifact.annotations()));
        String what = "the archive " + artifact.ref();
        String digest = artifact.archive().digest();
        if (source.migrationId() != null && source.sourceHost() == null) {
            // a rollback: this host's own archive of this migration, for whichever target it was signed
            CheckpointStatement own;
            try {
                own = new CheckpointStatement(digest, source.migrationId(), host.id(),
                        sig == null ? CheckpointStatement.ANY_TARGET : sig.claimedTarget());
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new UntrustedCheckpointException(what + " has a malformed signature: " + e.getMessage());
            }
            verifier().verify(own, sig, what);
            return;
        }
        if (source.migrationId() != null) {
            verifier().verify(new CheckpointStatement(digest, source.migrationId(), source.sourceHost(),
                    host.id()), sig, what);
            return;
        }
        if (sig == null && !settings.requireSigned()) {
            return; // named on the command line, unsigned, and signatures not required: as before
        }
        CheckpointStatement expected;
        try { // no command says what to expect: the signature vouches for what it claims, if a trusted key of its source made it
            expected = new CheckpointStatement(digest, sig == null ? CheckpointStatement.NO_MIGRATION : sig.claimedMigration(),
                    artifact.annotations().get(ArchiveAnnotations.SOURCE_HOST),
                    sig == null ? CheckpointStatement.ANY_TARGET : sig.claimedTarget());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new UntrustedCheckpointException(what + " has a malformed signature: " + e.getMessage());
        }
        verifier().verify(expected, sig, what);
    }

    /**
     * A direct transfer's archive: the source host's signature over the digest of the bytes this host
     * received, for this migration and this host, by a key the trust store lists for that source.
     */
    void verifyDirect(String digest, String migrationId, String sourceHost, java.util.Map<String, String> signature) {
        String what = "the direct transfer of migration " + migrationId;
        CheckpointSignature sig = signatureOf(() -> signature == null ? null : CheckpointSignature.fromAnnotations(signature));
        CheckpointStatement expected;
        try {
            expected = new CheckpointStatement(digest, migrationId, sourceHost, host.id());
        } catch (IllegalArgumentException e) {
            throw new UntrustedCheckpointException(what + " cannot be verified: " + e.getMessage());
        }
        new CheckpointVerifier(store()).verify(expected, sig, what);
    }

    /** The trust store, and this host's own key: an archive it made itself (a rollback's) needs no line of its own. */
    private CheckpointVerifier verifier() {
        return new CheckpointVerifier(store(), HostKeys.loadIfPresent(host).map(k -> List.of(k.identity())).orElse(List.of()));
    }

    private static CheckpointSignature signatureOf(java.util.function.Supplier<CheckpointSignature> read) {
        try {
            return read.get();
        } catch (IllegalArgumentException e) {
            throw new UntrustedCheckpointException("malformed checkpoint signature: " + e.getMessage());
        }
    }
}
