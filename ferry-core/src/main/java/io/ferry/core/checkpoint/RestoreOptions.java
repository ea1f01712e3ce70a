package io.ferry.core.checkpoint;

/**
 * Podman's restore flags: {@code --name} (a new identity: new id, and the archive can be restored many
 * times), --tcp-established, --ignore-rootfs, --ignore-volumes.
 */
public record RestoreOptions(String name, boolean tcpEstablished, boolean ignoreRootfs, boolean ignoreVolumes) {

    public static RestoreOptions defaults() {
        return new RestoreOptions(null, false, false, false);
    }

    public RestoreOptions named(String newName) {
        return new RestoreOptions(newName, tcpEstablished, ignoreRootfs, ignoreVolumes);
    }

    public RestoreOptions withTcpEstablished() {
        return new RestoreOptions(name, true, ignoreRootfs, ignoreVolumes);
    }

    public RestoreOptions ignoringRootfs() {
        return new RestoreOptions(name, tcpEstablished, true, ignoreVolumes);
    }

    public RestoreOptions ignoringVolumes() {
        return new RestoreOptions(name, tcpEstablished, ignoreRootfs, true);
    }
}
