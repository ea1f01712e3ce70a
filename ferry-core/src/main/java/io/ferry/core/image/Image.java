package io.ferry.core.image;

import java.time.Instant;
import java.util.List;

/**
 * A local image: its id, the references (names) that point at it, and its layers bottom-first,
 * each named by the sha256 of its uncompressed tar (the OCI diff id).
 */
public record Image(String id, List<String> names, List<String> layers, Instant created, long size) {

    public Image withNames(List<String> newNames) {
        return new Image(id, List.copyOf(newNames), layers, created, size);
    }

    public String shortId() {
        return id.substring(0, 12);
    }
}
