package io.ferry.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;

import java.util.Locale;

/**
 * Options of a migration, Podman's names: {@code keep} leaves the source running (checkpoint -R),
 * {@code tcpEstablished} carries open connections, {@code newName} restores under a new name (and id).
 * {@code transfer}: how the checkpoint travels (null: {@link Transfer#DIRECT}). {@code postCopy}: the
 * target restores at once and fetches memory pages from the source afterwards (lazy pages); shorter
 * downtime, but the container is lost if either host fails before every page has arrived.
 * {@code fileLocks}: Podman's --file-locks, the file locks the container holds are checkpointed and taken
 * back on the target (CRIU refuses a container holding any otherwise); absent in a message: false.
 */
public record MigrationOptions(boolean keep, boolean tcpEstablished, String newName, Transfer transfer,
                               boolean postCopy, boolean fileLocks) {

    public MigrationOptions(boolean keep, boolean tcpEstablished, String newName) {
        this(keep, tcpEstablished, newName, null, false, false);
    }

    public MigrationOptions(boolean keep, boolean tcpEstablished, String newName, Transfer transfer, boolean postCopy) {
        this(keep, tcpEstablished, newName, transfer, postCopy, false);
    }

    /** The same options, with (or without) Podman's --file-locks. */
    public MigrationOptions withFileLocks(boolean locks) {
        return new MigrationOptions(keep, tcpEstablished, newName, transfer, postCopy, locks);
    }

    public static MigrationOptions defaults() {
        return new MigrationOptions(false, false, null);
    }

    /**
     * Issue 12, Podman's refusal: a copy restored under a new name next to (or instead of) the original would carry
     * the same TCP connections' endpoints onto the network; the gateway and {@code ferry migrate} refuse it.
     */
    public static final String TCP_ESTABLISHED_WITH_NAME = "--tcp-established cannot be used with --name";

    /** Why these options cannot go together (Podman's message), if they cannot. */
    public java.util.Optional<String> conflict() {
        return tcpEstablished && newName != null ? java.util.Optional.of(TCP_ESTABLISHED_WITH_NAME) : java.util.Optional.empty();
    }

    /** The transfer asked for, or the default. */
    public Transfer transferOrDefault() {
        return transfer == null ? Transfer.DIRECT : transfer;
    }

    /**
     * DIRECT: the source streams the archive to the target's restore-service while the container is frozen;
     * the registry copy follows off the critical path. REGISTRY: through the registry (the target downloads
     * it after the upload), as before.
     */
    public enum Transfer {
        DIRECT, REGISTRY;

        @JsonCreator
        public static Transfer of(String value) {
            try {
                return value == null ? null : valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("transfer must be direct or registry, not '" + value + "'");
            }
        }
    }
}
