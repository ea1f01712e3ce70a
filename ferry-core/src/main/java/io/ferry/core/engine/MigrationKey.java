package io.ferry.core.engine;

import io.ferry.core.crypto.ArchiveKey;

/**
 * A migration's archive key on the source host: {@code key} encrypts the archive pushed to the
 * registry ({@link ArchiveTarget.Registry}); {@code wrapped} (the key wrapped to the target host's
 * trusted identity, bound to the migration and the target) travels with the migration's messages,
 * never beside the blob. The target opens it with {@link FerryEngine#openMigrationKey}.
 */
public record MigrationKey(ArchiveKey key, String wrapped) {
}
