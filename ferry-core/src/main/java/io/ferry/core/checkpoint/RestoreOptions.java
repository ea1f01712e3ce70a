package io.ferry.core.checkpoint;

/**
 * Podman's restore flags: {@code --name} (a new identity: new id, and the archive can be restored many
 * times), --tcp-established, --ignore-rootfs, --ignore-volumes; and the migration the restore belongs
 * to (null for a plain restore), recorded with the container. {@code postCopyFrom}: the archive holds no
 * memory pages; restore at once and fetch them from the source's page server there (lazy pages).
 */
public record RestoreOptions(String name, boolean tcpEstablished, boolean ignoreRootfs, boolean ignoreVolumes,
                             String migrationId, PageServer postCopyFrom) {

    public RestoreOptions(String name, boolean tcpEstablished, boolean ignoreRootfs, boolean ignoreVolumes,
                          String migrationId) {
        this(name, tcpEstablished, ignoreRootfs, ignoreVolumes, migrationId, null);
    }

    public RestoreOptions(String name, boolean tcpEstablished, boolean ignoreRootfs, boolean ignoreVolumes) {
        this(name, tcpEstablished, ignoreRootfs, ignoreVolumes, null, null);
    }

    public static RestoreOptions defaults() {
        return new RestoreOptions(null, false, false, false, null, null);
    }

    public RestoreOptions named(String newName) {
        return new RestoreOptions(newName, tcpEstablished, ignoreRootfs, ignoreVolumes, migrationId, postCopyFrom);
    }

    public RestoreOptions withTcpEstablished() {
        return new RestoreOptions(name, true, ignoreRootfs, ignoreVolumes, migrationId, postCopyFrom);
    }

    public RestoreOptions ignoringRootfs() {
        return new RestoreOptions(name, tcpEstablished, true, ignoreVolumes, migrationId, postCopyFrom);
    }

    public RestoreOptions ignoringVolumes() {
        return new RestoreOptions(name, tcpEstablished, ignoreRootfs, true, migrationId, postCopyFrom);
    }

    public RestoreOptions forMigration(String id) {
        return new RestoreOptions(name, tcpEstablished, ignoreRootfs, ignoreVolumes, id, postCopyFrom);
    }

    /** Post-copy: the memory pages come from the source's page server at {@code source}. */
    public RestoreOptions withPostCopyFrom(PageServer source) {
        return new RestoreOptions(name, tcpEstablished, ignoreRootfs, ignoreVolumes, migrationId, source);
    }
}
