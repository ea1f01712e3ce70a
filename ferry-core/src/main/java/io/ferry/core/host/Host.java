package io.ferry.core.host;

import io.ferry.protocol.Identifiers;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * One Ferry host: an id and a state root. Everything a host owns (runc state, network namespace
 * names, cgroup paths, mounts) is namespaced by the id, so two hosts can share one machine.
 */
public record Host(String id, Path root) {
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,23}");
    public static final Path DEFAULT_PARENT = Path.of("/var/lib/ferry");

    public Host {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("invalid host id \"" + id
                    + "\": use 1-24 lower-case letters, digits, '-' or '_', starting with a letter or digit");
        }
        root = root.toAbsolutePath().normalize();
    }

    /** The host with the given id at its default root, {@code /var/lib/ferry/<id>}. */
    public static Host withDefaultRoot(String id) {
        return new Host(id, DEFAULT_PARENT.resolve(id));
    }

    /** The host at {@code root}, or at its default root when none is configured (null). */
    public static Host of(String id, Path root) {
        return root != null ? new Host(id, root) : withDefaultRoot(id);
    }

    public Path images() {
        return root.resolve("images");
    }

    public Path containers() {
        return root.resolve("containers");
    }

    public Path volumes() {
        return root.resolve("volumes");
    }

    /** runc's state directory ({@code runc --root}); the machine-wide default /run/runc would be shared. */
    public Path runcRoot() {
        return root.resolve("runc");
    }

    /** The host's own key pairs (signing, encryption): root-only, never leave the host. */
    public Path keys() {
        return root.resolve("keys");
    }

    public Path tmp() {
        return root.resolve("tmp");
    }

    /** CRIU's work directory (log, statistics) of a restore of that container: kept when it fails. */
    public Path restoreLog(String containerId) {
        return tmp().resolve("restore-log-" + Identifiers.containerId("container id", containerId));
    }

    /** The whole id, not a prefix: a crafted id sharing a prefix must not name another container's namespace. */
    public String netnsName(String containerId) {
        return "ferry-" + id + "-" + Identifiers.containerId("container id", containerId);
    }

    public String cgroupsPath(String containerId) {
        return "/ferry/" + id + "/" + Identifiers.containerId("container id", containerId);
    }
}
