package io.ferry.core.container;

import io.ferry.core.json.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The OCI runtime spec (runc's config.json) of a container. The empty inheritable capability set
 * matters: with a full one CRIU cannot restore capabilities. The network namespace is one Ferry
 * created; the nofile limit stays under this sandbox's hard cap of 20000.
 */
public final class OciSpecs {
    private OciSpecs() {
    }

    public static ObjectNode create(ContainerConfig config, Path rootfs, Path netns, String cgroupsPath,
                                    Map<String, Path> volumeSources) {
        ObjectNode spec = template();
        ArrayNode args = ((ObjectNode) spec.get("process")).putArray("args");
        config.command().forEach(args::add);
        spec.put("hostname", config.name());
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
        return retarget(spec, config, rootfs, netns, cgroupsPath, volumeSources);
    }

    /**
     * Points a spec (a fresh one, or spec.dump from an archive) at this host's paths: root filesystem,
     * network namespace, cgroup, and volume sources (matched by destination).
     */
    public static ObjectNode retarget(ObjectNode spec, ContainerConfig config, Path rootfs, Path netns,
                                      String cgroupsPath, Map<String, Path> volumeSources) {
        ((ObjectNode) spec.get("root")).put("path", rootfs.toString());
        ObjectNode linux = (ObjectNode) spec.get("linux");
        linux.put("cgroupsPath", cgroupsPath);
        for (JsonNode ns : linux.get("namespaces")) {
            if (ns.path("type").asString("").equals("network")) {
                ((ObjectNode) ns).put("path", netns.toString());
            }
        }
        for (JsonNode m : spec.get("mounts")) {
            for (VolumeMount v : config.volumes()) {
                if (m.path("destination").asString("").equals(v.destination()) && m.path("type").asString("").equals("bind")) {
                    ((ObjectNode) m).put("source", volumeSources.get(v.name()).toString());
                }
            }
        }
        return spec;
    }

    private static ObjectNode template() {
        try (InputStream in = OciSpecs.class.getResourceAsStream("default-spec.json")) {
            return (ObjectNode) Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
