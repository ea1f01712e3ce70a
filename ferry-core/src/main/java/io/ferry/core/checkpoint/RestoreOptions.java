package io.ferry.core.checkpoint;

/**
 * Podman's restore flags: {@code --name} (a new identity: new id, and the archive can be restored many
 * times), --tcp-established, --ignore-rootfs, --ignore-volumes; and the migration the restore belongs
 * to (null for a plain restore), recorded with the container.
 */
public record RestoreOptions(String name, boolean tcpEstablished, boolean ignoreRootfs, boolean ignoreVolumes,
                             String migrationId) {

    public RestoreOptions(String name, boolean tcpEstablished, boolean ignoreRootfs, boolean ignoreVolumes) {
        this(name, tcpEstablished, ignoreRootfs, ignoreVolumes, null);
    }

    public static RestoreOptions defaults() {
        return new RestoreOptions(null, false, false, false, null);
    }

    public RestoreOptions named(String newName) {
        return new RestoreOptions(newName, tcpEstablished, ignoreRootfs, ignoreVolumes, migrationId);
    }

    public RestoreOptions withTcpEstablished() {
        return new RestoreOptions(name, true, ignoreRootfs, ignoreVolumes, migrationId);
    }

    public RestoreOptions ignoringRootfs() {
        return new RestoreOptions(name, tcpEstablished, true, ignoreVolumes, migrationId);
    }

    public RestoreOptions ignoringVolumes() {
        return new RestoreOptions(name, tcpEstablished, ignoreRootfs, true, migrationId);
    }

    public RestoreOptions forMigration(String id) {
        return new RestoreOptions(name, tcpEstablished, ignoreRootfs, ignoreVolumes, id);
    }
}
