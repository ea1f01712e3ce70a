package io.ferry.core.checkpoint;

import io.ferry.core.network.PortMapping;

import java.util.List;

/**
 * Podman's restore flags: {@code --name} (a new identity: new id, and the archive can be restored many
 * times), --tcp-established, --ignore-rootfs, --ignore-volumes; and the migration the restore belongs
 * to (null for a plain restore), recorded with the container. {@code postCopyFrom}: the archive holds no
 * memory pages; restore at once and fetch them from the source's page server there (lazy pages).
 * Network (Podman's semantics): the restored container keeps the archived IP and MAC unless
 * {@code ignoreStaticIp}/{@code ignoreStaticMac} or a new name; {@code publish} non-empty replaces the
 * archived published ports (only on an import); {@code tcpClose} restores with TCP connections closed.
 * Issue 13: {@code fileLocks} (--file-locks: the checkpoint holds file locks), {@code keep} (--keep: CRIU's
 * restore.log stays beside the container).
 */
public record RestoreOptions(String name, boolean tcpEstablished, boolean ignoreRootfs, boolean ignoreVolumes,
                             String migrationId, PageServer postCopyFrom, boolean ignoreStaticIp,
                             boolean ignoreStaticMac, boolean tcpClose, List<PortMapping> publish, boolean fileLocks,
                             boolean keep) {

    public RestoreOptions {
        publish = publish == null ? List.of() : List.copyOf(publish);
    }

    public RestoreOptions(String name, boolean tcpEstablished, boolean ignoreRootfs, boolean ignoreVolumes,
                          String migrationId, PageServer postCopyFrom, boolean ignoreStaticIp,
                          boolean ignoreStaticMac, boolean tcpClose, List<PortMapping> publish) {
        this(name, tcpEstablished, ignoreRootfs, ignoreVolumes, migrationId, postCopyFrom, ignoreStaticIp,
                ignoreStaticMac, tcpClose, publish, false, false);
    }

    public RestoreOptions(String name, boolean tcpEstablished, boolean ignoreRootfs, boolean ignoreVolumes,
                          String migrationId, PageServer postCopyFrom) {
        this(name, tcpEstablished, ignoreRootfs, ignoreVolumes, migrationId, postCopyFrom, false, false, false, List.of());
    }

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
        return new RestoreOptions(newName, tcpEstablished, ignoreRootfs, ignoreVolumes, migrationId, postCopyFrom,
                ignoreStaticIp, ignoreStaticMac, tcpClose, publish, fileLocks, keep);
    }

    public RestoreOptions withTcpEstablished() {
        return new RestoreOptions(name, true, ignoreRootfs, ignoreVolumes, migrationId, postCopyFrom,
                ignoreStaticIp, ignoreStaticMac, tcpClose, publish, fileLocks, keep);
    }

    public RestoreOptions ignoringRootfs() {
        return new RestoreOptions(name, tcpEstablished, true, ignoreVolumes, migrationId, postCopyFrom,
                ignoreStaticIp, ignoreStaticMac, tcpClose, publish, fileLocks, keep);
    }

    public RestoreOptions ignoringVolumes() {
        return new RestoreOptions(name, tcpEstablished, ignoreRootfs, true, migrationId, postCopyFrom,
                ignoreStaticIp, ignoreStaticMac, tcpClose, publish, fileLocks, keep);
    }

    public RestoreOptions forMigration(String id) {
        return new RestoreOptions(name, tcpEstablished, ignoreRootfs, ignoreVolumes, id, postCopyFrom,
                ignoreStaticIp, ignoreStaticMac, tcpClose, publish, fileLocks, keep);
    }

    /** Post-copy: the memory pages come from the source's page server at {@code source}. */
    public RestoreOptions withPostCopyFrom(PageServer source) {
        return new RestoreOptions(name, tcpEstablished, ignoreRootfs, ignoreVolumes, migrationId, source,
                ignoreStaticIp, ignoreStaticMac, tcpClose, publish, fileLocks, keep);
    }

    /** --ignore-static-ip / --ignore-static-mac: new ones from this host instead of the archived ones. */
    public RestoreOptions ignoringStatic(boolean ip, boolean mac) {
        return new RestoreOptions(name, tcpEstablished, ignoreRootfs, ignoreVolumes, migrationId, postCopyFrom,
                ip, mac, tcpClose, publish, fileLocks, keep);
    }

    /** --tcp-close: connections that were established come back closed. */
    public RestoreOptions closingTcp() {
        return new RestoreOptions(name, tcpEstablished, ignoreRootfs, ignoreVolumes, migrationId, postCopyFrom,
                ignoreStaticIp, ignoreStaticMac, true, publish, fileLocks, keep);
    }

    /** -p on import: these published ports instead of the archived ones. */
    public RestoreOptions publishing(List<PortMapping> ports) {
        return new RestoreOptions(name, tcpEstablished, ignoreRootfs, ignoreVolumes, migrationId, postCopyFrom,
                ignoreStaticIp, ignoreStaticMac, tcpClose, ports, fileLocks, keep);
    }

    /** --file-locks: the checkpoint holds file locks (checkpointed with --file-locks); CRIU takes them back. */
    public RestoreOptions withFileLocks(boolean locks) {
        return new RestoreOptions(name, tcpEstablished, ignoreRootfs, ignoreVolumes, migrationId, postCopyFrom,
                ignoreStaticIp, ignoreStaticMac, tcpClose, publish, locks, keep);
    }

    /** Podman's --keep: CRIU's restore.log is kept beside the restored container (its path in container inspect). */
    public RestoreOptions keeping(boolean keepLogs) {
        return new RestoreOptions(name, tcpEstablished, ignoreRootfs, ignoreVolumes, migrationId, postCopyFrom,
                ignoreStaticIp, ignoreStaticMac, tcpClose, publish, fileLocks, keepLogs);
    }
}
