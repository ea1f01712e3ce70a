package io.ferry.core.trust;

import io.ferry.core.error.FerryException;
import io.ferry.core.error.UntrustedCheckpointException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Accepts a checkpoint only if a key the trust store lists for the expected source host signed the
 * statement this host expects (the digest it pulls, the migration and source its command names, its
 * own id as target). Everything else is refused with an {@link UntrustedCheckpointException} saying
 * why: unsigned, a key not in the trust store, a trusted key of another host, a statement for
 * another host or migration, or a signature that matches nothing.
 */
public final class CheckpointVerifier {
    private final TrustStore trust;
    private final List<HostIdentity> self;

    public CheckpointVerifier(TrustStore trust) {
        this(trust, List.of());
    }

    /** {@code self}: this host's own identity, trusted without a line in the trust store (it made those archives). */
    public CheckpointVerifier(TrustStore trust, List<HostIdentity> self) {
        this.trust = trust;
        this.self = List.copyOf(self);
    }

    /**
     * @param what names the archive in refusals
     * @return the identity that signed it
     */
    public HostIdentity verify(CheckpointStatement expected, CheckpointSignature signature, String what) {
        if (signature == null) {
            throw refused(what + " is not signed: this host restores only checkpoints signed by a host in its"
                    + " trust store " + trust.file());
        }
        byte[] sig = signature.bytes();
        if (sig == null) {
            throw refused(what + " has a malformed signature (not base64)");
        }
        List<HostIdentity> trusted = new ArrayList<>(self);
        FerryException unreadable = null;
        try {
            trusted.addAll(trust.identities());
        } catch (FerryException e) {
            unreadable = e;
        }
        byte[] message = expected.bytes();
        for (HostIdentity id : trusted) {
            if (id.hostId().equals(expected.sourceHost()) && TrustStore.verifies(id.signingKey(), message, sig)) {
                return id;
            }
        }
        if (unreadable != null) {
            throw refused("cannot verify the signature of " + what + ": " + unreadable.getMessage());
        }
        throw refused(what + " " + why(expected, signature, sig, trusted));
    }

    /**
     * Why a signature that did not verify was refused: the most specific reason that can be proven. The
     * signer's claims (migration, target) and the trusted hosts are tried as the statement's fields; a
     * variant that verifies proves which field differs from what this host expects.
     */
    private static String why(CheckpointStatement expected, CheckpointSignature signature, byte[] sig,
                              List<HostIdentity> trusted) {
        for (HostIdentity id : trusted) {
            for (Optional<CheckpointStatement> variant : List.of(variant(expected, id.hostId(), expected.migrationId(),
                    expected.targetHost()), variant(expected, id.hostId(), signature.claimedMigration(), signature.claimedTarget()))) {
                if (variant.isEmpty() || !TrustStore.verifies(id.signingKey(), variant.get().bytes(), sig)) {
                    continue;
                }
                CheckpointStatement signed = variant.get();
                if (!signed.sourceHost().equals(expected.sourceHost())) {
                    return "is signed by host " + signed.sourceHost() + ", not by its source host " + expected.sourceHost();
                }
                if (!signed.targetHost().equals(expected.targetHost())) {
                    return "was signed by " + signed.sourceHost() + " for host " + signed.targetHost()
                            + ", not for this host " + expected.targetHost() + " (an archive replayed to another host)";
                }
                return "was signed by " + signed.sourceHost() + " for migration " + signed.migrationId()
                        + ", not for migration " + expected.migrationId();
            }
        }
        String fp = signature.keyFingerprint() == null ? "(no fingerprint given)" : signature.keyFingerprint();
        if (trusted.stream().noneMatch(id -> id.fingerprint().equals(signature.keyFingerprint()))) {
            return "is signed by key " + fp + ", which is not in this host's trust store: add the signer's"
                    + " `ferry host key` line to the trust store if it is a host you trust";
        }
        return "has a signature by key " + fp + " that does not match this archive (" + expected.digest()
                + ", migration " + expected.migrationId() + ", source " + expected.sourceHost() + ", target "
                + expected.targetHost() + "): the archive or its signature was altered";
    }

    /** The expected statement with these fields instead, if they are well formed. */
    private static Optional<CheckpointStatement> variant(CheckpointStatement expected, String source, String migration,
                                                         String target) {
        if (migration == null || target == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new CheckpointStatement(expected.digest(), migration, source, target));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static UntrustedCheckpointException refused(String message) {
        return new UntrustedCheckpointException(message);
    }
}
