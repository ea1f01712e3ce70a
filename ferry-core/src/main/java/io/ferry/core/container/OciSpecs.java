package io.ferry.core.container;

import io.ferry.core.json.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The OCI runtime spec (runc's config.json) of a container, always made from this host's template,
 * for a new container and for a restored one alike (an archive's spec.dump is only compared with it,
 * by {@link ArchivedSpecs}). The empty inheritable capability set matters: with a full one CRIU cannot
 * restore capabilities. The network namespace is one Ferry created; the nofile limit stays under this
 * sandbox's hard cap of 20000.
 */
public final class OciSpecs {
    /** The files a container on a network gets in /etc, in the directory its network attachment writes them to. */
    public static final List<String> NETWORK_FILES = List.of("hosts", "resolv.conf");

    private OciSpecs() {
    }

    public static ObjectNode create(ContainerConfig config, Path rootfs, Path netns, String cgroupsPath,
                                    Map<String, Path> volumeSources) {
        return create(config, config.name(), rootfs, netns, cgroupsPath, volumeSources);
    }

    /** The spec with the given hostname (a restore keeps the archived one). */
    public static ObjectNode create(ContainerConfig config, String hostname, Path rootfs, Path netns,
                                    String cgroupsPath, Map<String, Path> volumeSources) {
        return create(config, hostname, rootfs, netns, cgroupsPath, volumeSources, Path.of("/"));
    }

    /**
     * As above; a container on a network also gets its hosts and resolv.conf files from {@code networkFiles}
     * bind-mounted at /etc/hosts and /etc/resolv.conf, after its volumes (as Podman does).
     */
    public static ObjectNode create(ContainerConfig config, String hostname, Path rootfs, Path netns,
                                    String cgroupsPath, Map<String, Path> volumeSources, Path networkFiles) {
        ObjectNode spec = template();
        ArrayNode args = ((ObjectNode) spec.get("process")).putArray("args");
        config.command().forEach(args::add);
        spec.put("hostname", hostname);
        ((ObjectNode) spec.get("root")).put("path", rootfs.toString());
        ObjectNode linux = (ObjectNode) spec.get("linux");
        linux.put("cgroupsPath", cgroupsPath);
        for (JsonNode ns : linux.get("namespaces")) {
            if (ns.path("type").asString("").equals("network")) {
                ((ObjectNode) ns).put("path", netns.toString());
            }
        }
        ArrayNode mounts = (ArrayNode) spec.get("mounts");
        for (VolumeMount v : config.volumes()) {
            ObjectNode m = mounts.addObject();
            m.put("destination", v.destination());
            m.put("type", "bind");
            m.put("source", volumeSources.get(v.name()).toString());
            ArrayNode options = m.putArray("options");
            options.add("rbind");
            options.add(v.readOnly() ? "ro" : "rw");
        }
        if (!config.networkOrNone().isNone()) {
            for (String file : NETWORK_FILES) {
                ObjectNode m = mounts.addObject();
                m.put("destination", "/etc/" + file);
                m.put("type", "bind");
                m.put("source", networkFiles.resolve(file).toString());
                ArrayNode options = m.putArray("options");
                options.add("rbind");
                options.add("rw");
            }
        }
        return spec;
    }

    /** The capabilities a container of this host may ever hold: the template's bounding set. */
    public static List<String> boundingSet() {
        List<String> caps = new ArrayList<>();
        template().get("process").get("capabilities").get("bounding").forEach(c -> caps.add(c.asString()));
        return caps;
    }

    /** The paths a container of this host has masked (the template's maskedPaths). */
    public static List<String> maskedPaths() {
        List<String> paths = new ArrayList<>();
        template().get("linux").get("maskedPaths").forEach(p -> paths.add(p.asString()));
        return paths;
    }

    private static ObjectNode template() {
        try (InputStream in = OciSpecs.class.getResourceAsStream("default-spec.json")) {
            return (ObjectNode) Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
