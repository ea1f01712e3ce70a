package io.ferry.core.oci;

import io.ferry.core.error.InvalidArchiveException;
import io.ferry.core.json.Json;
import io.ferry.protocol.Identifiers;
import tools.jackson.core.JacksonException;

import java.util.List;

/**
 * Manifests and indexes as a registry sends them, checked before use: every descriptor Ferry follows
 * has a sha256 digest (which becomes part of file names) and a size, so callers need no null checks.
 */
public final class OciDocuments {
    private OciDocuments() {
    }

    /** An image or artifact manifest: a config and a (maybe empty) list of layers. */
    public static ImageManifest manifest(byte[] json) {
        ImageManifest m = read(json, ImageManifest.class, "manifest");
        check(m.config(), "config");
        List<Descriptor> layers = m.layers() == null ? List.of() : m.layers();
        for (int i = 0; i < layers.size(); i++) {
            check(layers.get(i), "layers[" + i + "]");
        }
        return m.layers() == null ? new ImageManifest(m.schemaVersion(), m.mediaType(), m.artifactType(), m.config(),
                List.of(), m.subject(), m.annotations()) : m;
    }

    /** An image index (or Docker manifest list): a list of manifests. */
    public static ImageIndex index(byte[] json) {
        ImageIndex index = read(json, ImageIndex.class, "index");
        if (index.manifests() == null) {
            throw new InvalidArchiveException("image index has no \"manifests\" list");
        }
        for (int i = 0; i < index.manifests().size(); i++) {
            check(index.manifests().get(i), "manifests[" + i + "]");
        }
        return index;
    }

    private static <T> T read(byte[] json, Class<T> type, String what) {
        T value;
        try {
            value = Json.MAPPER.readValue(json, type);
        } catch (JacksonException e) {
            throw new InvalidArchiveException("image " + what + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (value == null) {
            throw new InvalidArchiveException("image " + what + " is JSON null");
        }
        return value;
    }

    /** {@code field} is the descriptor's JSON path ({@code layers[0]}), named in the refusal. */
    private static void check(Descriptor d, String field) {
        if (d == null) {
            throw new InvalidArchiveException(field + " is missing");
        }
        try {
            Identifiers.digest(field + ".digest", d.digest());
        } catch (IllegalArgumentException e) {
            throw new InvalidArchiveException(e.getMessage(), e);
        }
        if (d.size() < 0) {
            throw new InvalidArchiveException(field + " has a negative size " + d.size());
        }
    }
}
