package io.ferry.core.container;

import io.ferry.core.error.InvalidArchiveException;
import io.ferry.core.json.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An archive's spec.dump is untrusted: a restore writes runc's config.json from this host's template
 * ({@link OciSpecs#create}), and spec.dump must be exactly what that template gives the archived
 * config. Anything more or different (hooks, mounts, devices, namespaces, capabilities, weaker
 * confinement) is refused, naming its JSON field. Not compared, because they differ between hosts
 * and are replaced by this host's own: root.path, linux.cgroupsPath, the network namespace's path,
 * the volumes' bind sources and those of the network files (/etc/hosts, /etc/resolv.conf). The
 * hostname is kept (as before: CRIU restores the UTS namespace
 * anyway), once it is a plain host name.
 */
public final class ArchivedSpecs {
    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final int MAX_VALUE_CHARS = 80;

    private ArchivedSpecs() {
    }

    /** Checks spec.dump against the template for {@code archived} (config.dump's container); returns the hostname to keep. */
    public static String check(JsonNode spec, ContainerConfig archived) {
        return check(spec, archived, null);
    }

    /**
     * As above, for a container restored from a Podman archive and checkpointed again by Ferry
     * ({@code podman}: {@link PodmanSpec#carried}): the template then has Podman's binds too.
     */
    public static String check(JsonNode spec, ContainerConfig archived, PodmanSpec podman) {
        for (int i = 0; i < archived.volumes().size(); i++) {
            String destination = archived.volumes().get(i).destination();
            try {
                VolumeMount.checkDestination("volume destination", destination);
            } catch (IllegalArgumentException e) {
                throw new InvalidArchiveException("config.dump: \"container.volumes[" + i + "].destination\" is "
                        + shown(destination) + "; a volume must be mounted at an absolute path other than /,"
                        + " without ..", e);
            }
        }
        if (!spec.isObject()) {
            throw new InvalidArchiveException("spec.dump is not a valid OCI runtime spec: it is not a JSON object");
        }
        if (podman != null && !archived.networkOrNone().isNone()) {
            // a container from Podman never has a network (refused on import), and Podman's looser rules
            // (CAP_NET_RAW, no no_new_privs) must not reach one: raw sockets on a shared bridge spoof neighbours
            throw new InvalidArchiveException("spec.dump carries Podman's bound files (/run/.containerenv), but"
                    + " config.dump puts the container on network " + shown(archived.network().network())
                    + "; a container restored from a Podman archive has no network");
        }
        ObjectNode template = podman == null ? templateFor(archived) : podman.applyTo(templateFor(archived), Path.of("/"));
        compare(template, spec, "", hostSpecific(template));
        JsonNode hostname = spec.get("hostname");
        if (!hostname.isString() || !HOSTNAME.matcher(hostname.asString()).matches()) {
            throw new InvalidArchiveException("spec.dump: \"hostname\" is " + shown(hostname)
                    + "; a host name of 1 to 64 letters, digits, '_', '.' and '-' is required");
        }
        return hostname.asString();
    }

    /** This host's spec for the archived config, its host paths left as "/" and "". */
    public static ObjectNode templateFor(ContainerConfig archived) {
        Map<String, Path> sources = new HashMap<>();
        archived.volumes().forEach(v -> sources.put(v.name(), Path.of("/")));
        return OciSpecs.create(archived, "", Path.of("/"), Path.of("/"), "", sources);
    }

    /**
     * The fields whose values this host replaces with its own: only their type is checked. Every bind
     * mount's source is a path of this host (volumes, network files, a Podman container's bound files).
     */
    private static Set<String> hostSpecific(ObjectNode template) {
        Set<String> fields = new HashSet<>(Set.of("root.path", "linux.cgroupsPath", "hostname"));
        JsonNode namespaces = template.get("linux").get("namespaces");
        for (int i = 0; i < namespaces.size(); i++) {
            if (namespaces.get(i).path("type").asString("").equals("network")) {
                fields.add("linux.namespaces[" + i + "].path");
            }
        }
        JsonNode mounts = template.get("mounts");
        for (int i = 0; i < mounts.size(); i++) {
            if (mounts.get(i).path("type").asString("").equals("bind")) {
                fields.add("mounts[" + i + "].source");
            }
        }
        return fields;
    }

    private static void compare(JsonNode expected, JsonNode actual, String field, Set<String> hostSpecific) {
        if (hostSpecific.contains(field)) {
            if (!actual.isString()) {
                throw differs(field, actual, "a string");
            }
        } else if (expected.isObject()) {
            if (!actual.isObject()) {
                throw differs(field, actual, "an object");
            }
            for (String name : expected.propertyNames()) {
                String child = join(field, name);
                if (!actual.has(name)) {
                    throw missing(child, expected.get(name));
                }
                compare(expected.get(name), actual.get(name), child, hostSpecific);
            }
            for (String name : actual.propertyNames()) {
                if (!expected.has(name)) {
                    throw notAllowed(join(field, name));
                }
            }
        } else if (expected.isArray()) {
            if (!actual.isArray()) {
                throw differs(field, actual, "an array");
            }
            for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
                compare(expected.get(i), actual.get(i), field + "[" + i + "]", hostSpecific);
            }
            if (actual.size() > expected.size()) {
                throw notAllowed(field + "[" + expected.size() + "]");
            }
            if (actual.size() < expected.size()) {
                throw missing(field + "[" + actual.size() + "]", expected.get(actual.size()));
            }
        } else if (!expected.equals(actual)) {
            throw differs(field, actual, "only " + shown(expected));
        }
    }

    private static String join(String field, String name) {
        return field.isEmpty() ? name : field + "." + name;
    }

    private static InvalidArchiveException notAllowed(String field) {
        return new InvalidArchiveException("spec.dump: \"" + field + "\" is not allowed in a checkpoint");
    }

    private static InvalidArchiveException missing(String field, JsonNode expected) {
        return new InvalidArchiveException("spec.dump: \"" + field + "\" is missing; this host's containers have "
                + (expected.isValueNode() ? shown(expected) : "it"));
    }

    private static InvalidArchiveException differs(String field, JsonNode actual, String allowed) {
        return new InvalidArchiveException("spec.dump: \"" + field + "\" is " + shown(actual)
                + "; this host allows " + allowed);
    }

    /** A value as JSON (control characters escaped), cut short. */
    private static String shown(JsonNode value) {
        String json = Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
        return json.length() <= MAX_VALUE_CHARS ? json : json.substring(0, MAX_VALUE_CHARS) + "...";
    }

    private static String shown(String value) {
        return shown(Json.MAPPER.getNodeFactory().stringNode(value));
    }
}
