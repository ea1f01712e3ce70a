package io.ferry.core.transfer;

import io.ferry.core.error.FerryException;
import io.ferry.core.trust.HostIdentity;
import io.ferry.core.trust.TrustStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Proves that a direct transfer comes from the source host it names: its {@link TransferStatement}
 * must be for this host and the migration in the URL, issued within {@link #MAX_AGE} of now, never
 * seen before (its nonce is remembered until it is stale anyway), and signed by a key this host's
 * trust store lists for that source host.
 */
public final class TransferAuthenticator {
    public static final Duration MAX_AGE = Duration.ofMinutes(2);
    private final String thisHost;
    private final TrustStore trust;
    private final Clock clock;
    private final Map<String, Instant> seenNonces = new ConcurrentHashMap<>();

    public TransferAuthenticator(String thisHost, TrustStore trust, Clock clock) {
        this.thisHost = thisHost;
        this.trust = trust;
        this.clock = clock;
    }

    /**
     * @return the verified statement
     * @throws TransferRefusedException 401 or 403, saying why
     */
    public TransferStatement authenticate(String header, String migrationId) {
        TransferStatement.Signed signed;
        try {
            signed = TransferStatement.parseHeader(header);
        } catch (IllegalArgumentException e) {
            throw new TransferRefusedException(401, "Transfer not authenticated", e.getMessage()
                    + ": a direct transfer must carry a statement signed by its source host");
        }
        TransferStatement s = signed.statement();
        if (!s.targetHost().equals(thisHost)) {
            throw new TransferRefusedException(403, "Transfer for another host", "the transfer statement is for host "
                    + s.targetHost() + ", not for this host " + thisHost);
        }
        if (!s.migrationId().equals(migrationId)) {
            throw new TransferRefusedException(403, "Transfer for another migration", "the transfer statement is for"
                    + " migration " + s.migrationId() + ", not for " + migrationId);
        }
        Instant now = clock.instant();
        if (Duration.between(s.issuedAt(), now).abs().compareTo(MAX_AGE) > 0) {
            throw new TransferRefusedException(401, "Transfer statement stale", "the transfer statement was issued at "
                    + s.issuedAt() + ", more than " + MAX_AGE.toSeconds() + " s from this host's clock (" + now + ")");
        }
        List<HostIdentity> keys;
        try {
            keys = trust.of(s.sourceHost());
        } catch (FerryException e) {
            throw new TransferRefusedException(403, "Trust store unreadable", "cannot verify the transfer: " + e.getMessage());
        }
        if (keys.isEmpty()) {
            throw new TransferRefusedException(403, "Signer not trusted", "host " + s.sourceHost()
                    + " is not in this host's trust store " + trust.file() + ": its transfers are refused");
        }
        byte[] message = s.bytes();
        if (keys.stream().noneMatch(k -> TrustStore.verifies(k.signingKey(), message, signed.signature()))) {
            throw new TransferRefusedException(401, "Transfer signature invalid", "the transfer statement is not signed"
                    + " by a key this host trusts for " + s.sourceHost());
        }
        seenNonces.values().removeIf(issued -> Duration.between(issued, now).abs().compareTo(MAX_AGE) > 0);
        if (seenNonces.putIfAbsent(s.nonce(), s.issuedAt()) != null) {
            throw new TransferRefusedException(401, "Transfer statement replayed", "this transfer statement (nonce "
                    + s.nonce() + ") was used before: each transfer is authorized once");
        }
        return s;
    }
}
