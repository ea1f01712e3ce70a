package io.ferry.core.oci;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;

/** An OCI content descriptor. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Descriptor(String mediaType, String digest, long size, String artifactType,
                         Map<String, String> annotations, Platform platform, String data) {

    public Descriptor(String mediaType, String digest, long size) {
        this(mediaType, digest, size, null, null, null, null);
    }

    public Descriptor withAnnotations(Map<String, String> a) {
        return new Descriptor(mediaType, digest, size, artifactType, a, platform, data);
    }
}
