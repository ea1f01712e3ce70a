package io.ferry.core.trust;

import io.ferry.core.error.FerryException;
import io.ferry.core.error.UntrustedCheckpointException;

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

    public CheckpointVerifier(TrustStore trust) {
        this.trust = trust;
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
        List<HostIdentity> trusted;
        try {
            trusted = trust.identities();
        } catch (FerryException e) {
            throw refused("cannot verify the signature of " + what + ": " + e.getMessage());
        }
        byte[] message = expected.bytes();
        for (HostIdentity id : trusted) {
            if (id.hostId().equals(expected.sourceHost()) && TrustStore.verifies(id.signingKey(), message, sig)) {
                return id;
            }
        }
        throw refused(what + " " + why(expected, signature, sig, trusted));
    }

    /** Why a signature that did not verify was refused: the most specific reason that can be proven. */
    private static String why(CheckpointStatement expected, CheckpointSignature signature, byte[] sig,
                              List<HostIdentity> trusted) {
        Optional<HostIdentity> otherHost = signer(trusted, expected.bytes(), sig);
        if (otherHost.isPresent()) {
            return "is signed by host " + otherHost.get().hostId() + ", not by its source host " + expected.sourceHost();
        }
        Optional<CheckpointStatement> claimed = claimed(expected, signature);
        if (claimed.isPresent()) {
            Optional<HostIdentity> by = signer(trusted, claimed.get().bytes(), sig);
            if (by.isPresent() && by.get().hostId().equals(expected.sourceHost())) {
                if (!claimed.get().targetHost().equals(expected.targetHost())) {
                    return "was signed by " + expected.sourceHost() + " for host " + claimed.get().targetHost()
                            + ", not for this host " + expected.targetHost() + " (an archive replayed to another host)";
                }
                return "was signed by " + expected.sourceHost() + " for migration " + claimed.get().migrationId()
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

    private static Optional<HostIdentity> signer(List<HostIdentity> trusted, byte[] message, byte[] sig) {
        return trusted.stream().filter(id -> TrustStore.verifies(id.signingKey(), message, sig)).findFirst();
    }

    /** The statement the signer says it signed, when it differs from the expected one and is well formed. */
    private static Optional<CheckpointStatement> claimed(CheckpointStatement expected, CheckpointSignature s) {
        if (s.claimedMigration() == null || s.claimedTarget() == null
                || (s.claimedMigration().equals(expected.migrationId()) && s.claimedTarget().equals(expected.targetHost()))) {
            return Optional.empty();
        }
        try {
            return Optional.of(new CheckpointStatement(expected.digest(), s.claimedMigration(), expected.sourceHost(),
                    s.claimedTarget()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static UntrustedCheckpointException refused(String message) {
        return new UntrustedCheckpointException(message);
    }
}
