package io.ferry.core.archive;

import io.ferry.core.container.ContainerConfig;
import io.ferry.core.container.VolumeMount;
import io.ferry.core.error.InvalidArchiveException;
import io.ferry.core.json.Json;
import io.ferry.protocol.Identifiers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * config.dump as libpod (Podman 4) writes and reads it: its {@code ContainerConfig} JSON
 * (libpod/container_config.go). Ferry writes a superset (its own "container" and "checkpoint" keys,
 * which libpod lacks, plus the libpod keys {@code podman container restore -i} needs) and translates a
 * Podman config.dump into its own container. Everything read from one is untrusted and checked here,
 * each refusal naming the libpod field.
 */
public final class PodmanConfig {
    /** Bounds on the command taken from a Podman archive (the file itself is bounded by the metadata limit). */
    static final int MAX_ARGS = 1024;
    static final int MAX_COMMAND_CHARS = 64 * 1024;
    private static final int MAX_VOLUMES = 256;

    private PodmanConfig() {
    }

    /** What a Podman archive says beyond Ferry's container: the networks it was on. */
    public record Origin(String runtime, List<String> networks) {
    }

    /** Whether this config.dump is libpod's (no Ferry "container" key; libpod's id and rootfs image). */
    static boolean isLibpod(JsonNode root) {
        return root.isObject() && !root.has("container") && root.has("id") && root.has("rootfsImageName");
    }

    /**
     * Ferry's config.dump with the libpod keys Podman 4.3's import needs (CRImportCheckpoint,
     * Runtime.RestoreContainer): none collides with Ferry's two top-level keys, and Ferry ignores
     * unknown keys, so archives of earlier and later Ferry versions read alike.
     */
    public static ObjectNode superset(CheckpointedContainer archived) {
        ObjectNode root = (ObjectNode) Json.MAPPER.valueToTree(archived);
        root.remove("podman"); // Ferry's own record of a Podman origin is never written
        ContainerConfig c = archived.container();
        root.put("id", c.id());
        root.put("name", c.name());
        root.put("rootfsImageName", c.image());
        root.put("rootfsImageID", c.imageId()); // a pulled image's config digest: Podman's id of the same image
        ArrayNode command = root.putArray("command");
        c.command().forEach(command::add);
        root.put("createdTime", c.created().toString());
        root.put("runtime", archived.checkpoint().runtime());
        root.put("createNetNS", true); // Podman makes the namespace; runc restores into it (it was external here too)
        if (c.networkOrNone().isNone()) {
            root.put("networkMode", "none");
        } else {
            root.put("networkMode", "bridge");
            root.putObject("newNetworks").putObject(c.network().network()).put("interface_name", "eth0");
        }
        return root;
    }

    /** Ferry's container from a libpod config.dump; InvalidArchiveException naming the field when it cannot be. */
    static CheckpointedContainer translate(JsonNode root) {
        String id = text(root, "id");
        String name = text(root, "name");
        String image = text(root, "rootfsImageName");
        String imageId = text(root, "rootfsImageID");
        try {
            Identifiers.containerId("config.dump \"id\"", id);
            Identifiers.name("config.dump \"name\"", name);
            Identifiers.imageId("config.dump \"rootfsImageID\"", imageId);
        } catch (IllegalArgumentException e) {
            throw new InvalidArchiveException(e.getMessage(), e);
        }
        if (image.isEmpty() || image.length() > 512 || !Identifiers.escape(image).equals(image)) {
            throw new InvalidArchiveException("config.dump \"rootfsImageName\" " + Identifiers.quote(cut(image))
                    + " is not an image reference of at most 512 characters");
        }
        Instant created;
        try {
            created = Instant.parse(text(root, "createdTime"));
        } catch (DateTimeParseException e) {
            throw new InvalidArchiveException("config.dump \"createdTime\" is not a time", e);
        }
        ContainerConfig container = new ContainerConfig(id, name, image, imageId, command(root), volumes(root), created);
        String runtime = root.path("runtime").isString() ? root.get("runtime").asString() : null;
        if (runtime != null && !runtime.matches("[a-z0-9._-]{1,32}")) {
            throw new InvalidArchiveException("config.dump \"runtime\" " + Identifiers.quote(cut(runtime))
                    + " is not a runtime name");
        }
        CheckpointInfo info = new CheckpointInfo(runtime, null, null, null, null, null, null, null, false, false,
                true, true);
        CheckpointedContainer translated = new CheckpointedContainer(container, info,
                new Origin(runtime, networks(root)));
        return translated.checked();
    }

    /** The process Podman started: its spec's process.args (entrypoint and command), as config.dump's "spec" holds it. */
    private static List<String> command(JsonNode root) {
        JsonNode args = root.path("spec").path("process").path("args");
        String field = "spec.process.args";
        if (!args.isArray()) {
            throw new InvalidArchiveException("config.dump \"" + field + "\" is missing or not a list");
        }
        if (args.isEmpty() || args.size() > MAX_ARGS) {
            throw new InvalidArchiveException("config.dump \"" + field + "\" has " + args.size()
                    + " arguments; 1 to " + MAX_ARGS + " are allowed");
        }
        List<String> command = new ArrayList<>();
        long chars = 0;
        for (int i = 0; i < args.size(); i++) {
            if (!args.get(i).isString()) {
                throw new InvalidArchiveException("config.dump \"" + field + "[" + i + "]\" is not a string");
            }
            String arg = args.get(i).asString();
            chars += arg.length();
            if (chars > MAX_COMMAND_CHARS || arg.indexOf('\0') >= 0) {
                throw new InvalidArchiveException("config.dump \"" + field + "\" is longer than " + MAX_COMMAND_CHARS
                        + " characters or holds a NUL");
            }
            command.add(arg);
        }
        return command;
    }

    /** libpod's namedVolumes: {"volumeName", "dest", "options"}; names and destinations are checked by {@link ContainerConfig#checked}. */
    private static List<VolumeMount> volumes(JsonNode root) {
        JsonNode named = root.path("namedVolumes");
        if (named.isMissingNode() || named.isNull()) {
            return List.of();
        }
        if (!named.isArray() || named.size() > MAX_VOLUMES) {
            throw new InvalidArchiveException("config.dump \"namedVolumes\" is not a list of at most " + MAX_VOLUMES);
        }
        List<VolumeMount> volumes = new ArrayList<>();
        for (int i = 0; i < named.size(); i++) {
            JsonNode v = named.get(i);
            String field = "namedVolumes[" + i + "]";
            boolean readOnly = false;
            for (JsonNode o : v.path("options")) {
                readOnly |= o.isString() && o.asString().equals("ro");
            }
            String volume = text(v, "volumeName", field + ".volumeName");
            String dest = text(v, "dest", field + ".dest");
            try {
                Identifiers.volumeName("config.dump \"" + field + ".volumeName\"", volume);
                VolumeMount.checkDestination("config.dump \"" + field + ".dest\"", dest);
            } catch (IllegalArgumentException e) {
                throw new InvalidArchiveException(e.getMessage(), e);
            }
            volumes.add(new VolumeMount(volume, dest, readOnly));
        }
        return volumes;
    }

    /** The networks libpod attached it to ("newNetworks" keys); empty: none (loopback only). */
    private static List<String> networks(JsonNode root) {
        JsonNode nets = root.path("newNetworks");
        List<String> names = new ArrayList<>();
        if (nets.isObject()) {
            for (String n : nets.propertyNames()) {
                names.add(cut(n));
            }
        }
        return names;
    }

    private static String text(JsonNode node, String key) {
        return text(node, key, key);
    }

    private static String text(JsonNode node, String key, String field) {
        JsonNode v = node.path(key);
        if (!v.isString()) {
            throw new InvalidArchiveException("config.dump is not a Podman container config Ferry can restore (\""
                    + field + "\" is missing or not a string)");
        }
        return v.asString();
    }

    private static String cut(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
