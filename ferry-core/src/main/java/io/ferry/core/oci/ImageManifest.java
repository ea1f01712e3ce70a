package io.ferry.core.oci;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/** An OCI image manifest, or an artifact manifest (with artifactType, maybe a subject). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ImageManifest(int schemaVersion, String mediaType, String artifactType, Descriptor config,
                            List<Descriptor> layers, Descriptor subject, Map<String, String> annotations) {
}
