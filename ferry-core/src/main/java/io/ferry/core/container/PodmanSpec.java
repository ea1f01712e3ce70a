package io.ferry.core.container;

import io.ferry.core.error.InvalidArchiveException;
import io.ferry.protocol.Identifiers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What Ferry takes from a Podman archive's spec.dump (untrusted, and unlike this host's template in
 * seccomp, masked paths and bind mounts, so not compared with it): the hostname and the files Podman
 * bind-mounts from its userdata directory (/etc/hosts, /etc/hostname, /etc/resolv.conf,
 * /run/.containerenv, /dev/shm). CRIU restores the mount tree from its images and wants every one of
 * those binds back at the same place, so the restore's spec is this host's template plus binds of
 * files Ferry writes itself ({@link #applyTo}); the images are then vetted against that spec. Masked
 * and read-only paths Podman added (under /proc and /sys only) are allowed as such: they only hide.
 */
public record PodmanSpec(String hostname, List<String> binds, List<String> maskedPaths, List<String> readonlyPaths) {
    /** Podman's bind-mounted files and where Ferry keeps its own copy, by destination. */
    public static final Map<String, String> FILES = Map.of("/etc/hosts", "hosts", "/etc/hostname", "hostname",
            "/etc/resolv.conf", "resolv.conf", "/run/.containerenv", "containerenv", "/dev/shm", "shm");
    /**
     * Podman 4's default capabilities (containers.conf default_capabilities): this host's bounding set
     * plus CAP_MKNOD and CAP_NET_RAW, which Docker's and Podman's containers have by default and Ferry's
     * do not. A process restored from a Podman archive may hold these, never more.
     */
    public static final Set<String> DEFAULT_CAPABILITIES = Set.of("CAP_AUDIT_WRITE", "CAP_CHOWN", "CAP_DAC_OVERRIDE",
            "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_MKNOD", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SETFCAP",
            "CAP_SETGID", "CAP_SETPCAP", "CAP_SETUID", "CAP_SYS_CHROOT");
    /**
     * Podman 4's default read-only paths (its spec generator's readonlyPaths). Of them Ferry masks /proc/asound:
     * the restore makes it read-only as Podman did; any other path Ferry masks stays masked.
     */
    static final Set<String> PODMAN_READONLY = Set.of("/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq",
            "/proc/sys", "/proc/sysrq-trigger");
    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final int MAX_PATHS = 64;

    /** Checks the fields Ferry takes from spec.dump for {@code archived} (the translated config.dump). */
    public static PodmanSpec of(JsonNode spec, ContainerConfig archived) {
        if (!spec.isObject()) {
            throw new InvalidArchiveException("spec.dump is not a valid OCI runtime spec: it is not a JSON object");
        }
        String hostname = hostname(spec);
        JsonNode args = spec.path("process").path("args");
        List<String> command = new ArrayList<>();
        args.forEach(a -> command.add(a.isString() ? a.asString() : null));
        if (!command.equals(archived.command())) {
            throw new InvalidArchiveException("spec.dump: \"process.args\" differs from config.dump's"
                    + " \"spec.process.args\"; a Podman archive must name one command");
        }
        for (JsonNode ns : spec.path("linux").path("namespaces")) {
            if (ns.path("type").asString("").equals("user")) {
                throw new InvalidArchiveException("spec.dump: \"linux.namespaces\" has a user namespace;"
                        + " Ferry's containers have none (restore it with Podman)");
            }
        }
        Set<String> allowed = new LinkedHashSet<>();
        ArchivedSpecs.templateFor(archived).get("mounts").forEach(m -> allowed.add(m.get("destination").asString()));
        List<String> binds = new ArrayList<>();
        JsonNode mounts = spec.path("mounts");
        for (int i = 0; i < mounts.size(); i++) {
            JsonNode m = mounts.get(i);
            String destination = m.path("destination").asString("");
            String field = "spec.dump: \"mounts[" + i + "]\" at " + Identifiers.quote(cut(destination));
            if (FILES.containsKey(destination)) {
                if (!m.path("type").asString("").equals("bind")) {
                    throw new InvalidArchiveException(field + " is not a bind mount; Podman binds that file");
                }
                if (!binds.contains(destination)) {
                    binds.add(destination);
                }
            } else if (!allowed.contains(destination)) {
                throw new InvalidArchiveException(field + " is not one Ferry can give a restored Podman container:"
                        + " only this host's own mounts, the named volumes and Podman's " + FILES.keySet()
                        + " are (bind mounts of host paths are not carried)");
            }
        }
        return new PodmanSpec(hostname, binds, paths(spec, "maskedPaths"), paths(spec, "readonlyPaths"));
    }

    /**
     * A container Ferry restored from a Podman archive and checkpointed again carries Podman's binds in
     * its spec.dump (recognised by /run/.containerenv, which Ferry's own containers never have): what
     * they are, so the next restore provides them again; empty for any other spec.
     */
    public static java.util.Optional<PodmanSpec> carried(JsonNode spec) {
        List<String> binds = new ArrayList<>();
        for (JsonNode m : spec.path("mounts")) {
            String destination = m.path("destination").asString("");
            if (FILES.containsKey(destination) && m.path("type").asString("").equals("bind") && !binds.contains(destination)) {
                binds.add(destination);
            }
        }
        if (!binds.contains("/run/.containerenv")) {
            return java.util.Optional.empty();
        }
        String hostname = hostname(spec);
        return java.util.Optional.of(new PodmanSpec(hostname, binds, paths(spec, "maskedPaths"),
                paths(spec, "readonlyPaths")));
    }

    private static String hostname(JsonNode spec) {
        JsonNode hostname = spec.path("hostname");
        if (!hostname.isString() || !HOSTNAME.matcher(hostname.asString()).matches()) {
            throw new InvalidArchiveException("spec.dump: \"hostname\" is missing or not a host name of 1 to 64"
                    + " letters, digits, '_', '.' and '-'");
        }
        return hostname.asString();
    }

    private static List<String> paths(JsonNode spec, String key) {
        JsonNode list = spec.path("linux").path(key);
        List<String> paths = new ArrayList<>();
        List<String> masked = OciSpecs.maskedPaths(); // this host's template, read once for the list
        if (list.size() > MAX_PATHS) {
            throw new InvalidArchiveException("spec.dump: \"linux." + key + "\" has more than " + MAX_PATHS + " paths");
        }
        for (int i = 0; i < list.size(); i++) {
            String p = list.get(i).asString("");
            String field = "spec.dump: \"linux." + key + "[" + i + "]\"";
            try {
                VolumeMount.checkDestination(field, p);
            } catch (IllegalArgumentException e) {
                throw new InvalidArchiveException(e.getMessage(), e);
            }
            if (!p.startsWith("/proc/") && !p.startsWith("/sys/")) {
                throw new InvalidArchiveException(field + " " + Identifiers.quote(cut(p)) + " is not under /proc or /sys");
            }
            if (key.equals("readonlyPaths") && !PODMAN_READONLY.contains(p) && masked.contains(p)) {
                // read-only instead of masked would show the container what this host hides (keys, firmware...)
                throw new InvalidArchiveException(field + " " + Identifiers.quote(p) + " is masked on this host;"
                        + " only Podman's default read-only paths " + new java.util.TreeSet<>(PODMAN_READONLY)
                        + " may be read-only instead");
            }
            paths.add(p);
        }
        return paths;
    }

    /**
     * This host's spec for the container with Podman's binds (sources in {@code files}, named as
     * {@link #FILES} says; /dev/shm replaces the template's tmpfs) and Podman's masked and read-only paths.
     */
    public ObjectNode applyTo(ObjectNode spec, Path files) {
        ArrayNode mounts = (ArrayNode) spec.get("mounts");
        for (int i = mounts.size() - 1; i >= 0; i--) {
            if (binds.contains(mounts.get(i).path("destination").asString(""))) {
                mounts.remove(i);
            }
        }
        for (String destination : binds) {
            ObjectNode m = mounts.addObject();
            m.put("destination", destination);
            m.put("type", "bind");
            m.put("source", files.resolve(FILES.get(destination)).toString());
            ArrayNode options = m.putArray("options");
            List.of("rbind", "rw").forEach(options::add);
            if (destination.equals("/dev/shm")) {
                List.of("nosuid", "noexec", "nodev").forEach(options::add);
            }
        }
        ObjectNode linux = (ObjectNode) spec.get("linux");
        Map<String, Boolean> readOnly = new LinkedHashMap<>(); // path -> read-only (else masked)
        linux.get("maskedPaths").forEach(p -> readOnly.put(p.asString(), false));
        linux.get("readonlyPaths").forEach(p -> readOnly.put(p.asString(), true));
        maskedPaths.forEach(p -> readOnly.putIfAbsent(p, false));
        readonlyPaths.forEach(p -> readOnly.put(p, true)); // Podman made it read-only where Ferry masks it
        ArrayNode masked = linux.putArray("maskedPaths");
        ArrayNode ro = linux.putArray("readonlyPaths");
        readOnly.forEach((p, r) -> (r ? ro : masked).add(p));
        return spec;
    }

    private static String cut(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }

}
