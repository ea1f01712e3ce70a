package io.ferry.core.archive;

import io.ferry.core.container.ContainerConfig;
import io.ferry.core.container.VolumeMount;
import io.ferry.core.error.InvalidArchiveException;
import io.ferry.core.json.Json;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.JsonNode;

import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The content of config.dump: the container's config and the facts of its checkpoint. {@code podman}:
 * set when the archive was written by Podman (its libpod config translated by {@link PodmanConfig}),
 * null for Ferry's; never written (config.dump is written as {@link PodmanConfig#superset}).
 */
public record CheckpointedContainer(ContainerConfig container, CheckpointInfo checkpoint, PodmanConfig.Origin podman) {
    private static final String NOT_FERRY = "config.dump is not a Ferry container config";

    public CheckpointedContainer(ContainerConfig container, CheckpointInfo checkpoint) {
        this(container, checkpoint, null);
    }

    /** Whether Podman wrote the archive. */
    public boolean madeByPodman() {
        return podman != null;
    }

    /**
     * Reads config.dump from an archive, which may come from another tool or be crafted: a wrong
     * shape is an {@link InvalidArchiveException} naming the field, never a null further on, and so
     * is an invalid identifier (they become paths, cgroups, netns names and lines of output).
     */
    public static CheckpointedContainer read(InputStream in) {
        CheckpointedContainer config;
        try {
            JsonNode root = Json.MAPPER.readTree(in);
            if (root != null && PodmanConfig.isLibpod(root)) {
                return PodmanConfig.translate(root);
            }
            config = root == null || root.isNull() || root.isMissingNode() ? null : Json.MAPPER.treeToValue(root, CheckpointedContainer.class);
        } catch (StreamReadException e) {
            throw new InvalidArchiveException("config.dump is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (JacksonException e) {
            throw new InvalidArchiveException(NOT_FERRY + " (" + describe(e) + ")", e);
        }
        if (config == null) {
            throw new InvalidArchiveException(NOT_FERRY + " (it is null)");
        }
        config.missingField().ifPresent(field -> {
            throw new InvalidArchiveException(NOT_FERRY + " (\"" + field + "\" is missing; container id, name,"
                    + " image, command, volumes and checkpoint facts are required)");
        });
        // a "podman" key in a Ferry-shaped config.dump is not Podman's origin: only the translation sets it
        return new CheckpointedContainer(config.container(), config.checkpoint()).checked();
    }

    /** The first field Ferry needs that is absent or null, by its JSON path. */
    Optional<String> missingField() {
        if (container == null) {
            return Optional.of("container");
        }
        if (checkpoint == null) {
            return Optional.of("checkpoint");
        }
        Map<String, Object> required = new LinkedHashMap<>(); // JSON path -> value
        required.put("container.id", container.id());
        required.put("container.name", container.name());
        required.put("container.image", container.image());
        required.put("container.imageId", container.imageId());
        required.put("container.command", container.command());
        required.put("container.volumes", container.volumes());
        required.put("container.created", container.created());
        required.put("checkpoint.runtime", checkpoint.runtime());
        required.put("checkpoint.criuVersion", checkpoint.criuVersion());
        required.put("checkpoint.arch", checkpoint.arch());
        for (Map.Entry<String, Object> field : required.entrySet()) {
            if (field.getValue() == null) {
                return Optional.of(field.getKey());
            }
        }
        if (container.command().isEmpty()) {
            return Optional.of("container.command[0]");
        }
        for (int i = 0; i < container.command().size(); i++) {
            if (container.command().get(i) == null) {
                return Optional.of("container.command[" + i + "]");
            }
        }
        for (int i = 0; i < container.volumes().size(); i++) {
            VolumeMount v = container.volumes().get(i);
            if (v == null || v.name() == null || v.destination() == null) {
                return Optional.of("container.volumes[" + i + "]" + (v == null ? "" : v.name() == null ? ".name" : ".destination"));
            }
        }
        return Optional.empty();
    }

    /** Where in the JSON the mismatch is, without Jackson's class names: {@code "container.command" is missing or has the wrong type}. */
    private static String describe(JacksonException e) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference r : e.getPath()) {
            if (r.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(r.getPropertyName());
            } else if (r.getIndex() >= 0) {
                path.append('[').append(r.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? "it is not a JSON object of that shape" : "\"" + path + "\" is missing or has the wrong type";
    }

    /**
     * This config.dump when its identifiers are valid (they become paths, cgroups, netns names and
     * lines of output); otherwise InvalidArchiveException (exit 5) naming the field.
     */
    public CheckpointedContainer checked() {
        if (container == null) {
            throw new InvalidArchiveException("config.dump is not a Ferry container config: container is missing");
        }
        try {
            container.checked();
        } catch (IllegalArgumentException e) {
            throw new InvalidArchiveException("config.dump: " + e.getMessage(), e);
        }
        return this;
    }
}
