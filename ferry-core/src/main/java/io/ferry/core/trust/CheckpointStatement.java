package io.ferry.core.trust;

import io.ferry.protocol.Identifiers;

import java.nio.charset.StandardCharsets;

/**
 * What a host signs when it makes a checkpoint archive: the archive blob's digest, bound to the
 * migration and to the source and target hosts. Its bytes are fixed and versioned, one field per
 * line, each field checked against the identifier rules (none may hold a space or a line break), so
 * two different statements never have the same bytes:
 * <pre>
 * ferry-checkpoint-signature/v1
 * digest sha256:&lt;64 hex&gt;
 * migration &lt;migration id, or - for a file export&gt;
 * source &lt;host id&gt;
 * target &lt;host id, or * for a file export&gt;
 * </pre>
 * A verifier never reads these bytes from an archive: it builds the statement it expects and checks
 * the signature against it.
 */
public record CheckpointStatement(String digest, String migrationId, String sourceHost, String targetHost) {
    public static final String VERSION = "ferry-checkpoint-signature/v1";
    /** The migration of a file export: none. */
    public static final String NO_MIGRATION = "-";
    /** The target of a file export: any host that trusts the source. */
    public static final String ANY_TARGET = "*";

    public CheckpointStatement {
        Identifiers.digest("digest", digest);
        if (!NO_MIGRATION.equals(migrationId)) {
            Identifiers.migrationId("migration", migrationId);
        }
        Identifiers.hostId("source", sourceHost);
        if (!ANY_TARGET.equals(targetHost)) {
            Identifiers.hostId("target", targetHost);
        }
    }

    /** The statement of a file export: no migration, any target. */
    public static CheckpointStatement export(String digest, String sourceHost) {
        return new CheckpointStatement(digest, NO_MIGRATION, sourceHost, ANY_TARGET);
    }

    public byte[] bytes() {
        return (VERSION + "\ndigest " + digest + "\nmigration " + migrationId + "\nsource " + sourceHost
                + "\ntarget " + targetHost + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
