package io.ferry.core.engine;

import io.ferry.core.error.FerryException;
import io.ferry.core.host.Host;
import io.ferry.core.trust.CheckpointSignature;
import io.ferry.core.trust.CheckpointStatement;
import io.ferry.core.trust.HostKeys;

import java.util.Optional;

/**
 * How this host signs the archives it makes: a migration's archive always (for its migration and
 * target host), an export (file or registry) when the host has keys. Keys are never made here:
 * a service makes them on its first start, an operator with {@code ferry host key}.
 */
final class CheckpointSigning {
    private final Host host;

    CheckpointSigning(Host host) {
        this.host = host;
    }

    /** Fails before anything is dumped when a migration's archive cannot be signed. */
    Optional<HostKeys> keysFor(String migrationId) {
        Optional<HostKeys> keys = HostKeys.loadIfPresent(host);
        if (migrationId != null && keys.isEmpty()) {
            throw new FerryException("host " + host.id() + " has no signing key under " + host.keys()
                    + ": a migration's archive must be signed; run `ferry --host-id " + host.id() + " host key` or start"
                    + " the host's services once");
        }
        return keys;
    }

    /** The statement for a migration's archive, or an export's when {@code migrationId} is null. */
    CheckpointStatement statement(String digest, String migrationId, String targetHost) {
        return migrationId == null ? CheckpointStatement.export(digest, host.id())
                : new CheckpointStatement(digest, migrationId, host.id(), targetHost);
    }

    static CheckpointSignature sign(HostKeys keys, CheckpointStatement statement) {
        return CheckpointSignature.sign(keys, statement);
    }
}
