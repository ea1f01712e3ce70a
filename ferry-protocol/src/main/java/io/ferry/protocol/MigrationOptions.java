package io.ferry.protocol;

/**
 * Options of a migration, Podman's names: {@code keep} leaves the source running (checkpoint -R),
 * {@code tcpEstablished} carries open connections, {@code newName} restores under a new name (and id).
 */
public record MigrationOptions(boolean keep, boolean tcpEstablished, String newName) {
    public static MigrationOptions defaults() {
        return new MigrationOptions(false, false, null);
    }
}
