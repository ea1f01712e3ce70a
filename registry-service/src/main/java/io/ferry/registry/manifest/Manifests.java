package io.ferry.registry.manifest;

import io.ferry.core.json.Json;
import io.ferry.core.oci.Descriptor;
import io.ferry.core.oci.ImageIndex;
import io.ferry.core.oci.MediaTypes;
import io.ferry.core.oci.Sha256;
import io.ferry.registry.blob.Blobs;
import io.ferry.registry.error.ErrorCode;
import io.ferry.registry.error.RegistryException;
import io.ferry.registry.repository.RepositoryEntity;
import io.ferry.registry.route.V2Route;
import io.ferry.registry.storage.Digests;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Manifests: validated on push (every referenced blob or manifest must be in the repository, sizes
 * must match, the digest must match a digest reference), kept verbatim, tagged, listed as referrers
 * of their subject, and deleted by digest (with its tags) or by tag.
 */
@Service
public class Manifests {
    private final ManifestRepository manifests;
    private final ManifestReferenceRepository references;
    private final TagRepository tags;
    private final Blobs blobs;

    public Manifests(ManifestRepository manifests, ManifestReferenceRepository references, TagRepository tags,
                     Blobs blobs) {
        this.manifests = manifests;
        this.references = references;
        this.tags = tags;
        this.blobs = blobs;
    }

    /** A stored manifest: its digest, and its subject if it has one (for the OCI-Subject header). */
    public record Stored(String digest, String subject) {
    }

    @Transactional
    public Stored put(RepositoryEntity repo, String reference, String contentType, byte[] body) {
        boolean byDigest = Digests.isDigest(reference);
        if (byDigest) {
            Digests.require(reference);
        } else if (!V2Route.TAG.matcher(reference).matches()) {
            throw new RegistryException(ErrorCode.MANIFEST_INVALID, "invalid tag \"" + reference + "\"");
        }
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(body);
        } catch (JacksonException e) {
            throw new RegistryException(ErrorCode.MANIFEST_INVALID, "manifest is not valid JSON: " + e.getOriginalMessage());
        }
        if (json == null || !json.isObject()) {
            throw new RegistryException(ErrorCode.MANIFEST_INVALID, "manifest is not a JSON object");
        }
        if (json.path("schemaVersion").asInt(0) != 2) {
            throw new RegistryException(ErrorCode.MANIFEST_INVALID, "manifest schemaVersion must be 2");
        }
        String mediaType = mediaType(json, contentType);
        String digest = Sha256.of(body);
        if (byDigest && !digest.equals(reference)) {
            throw new RegistryException(ErrorCode.DIGEST_INVALID, "manifest digest " + digest
                    + " does not match the reference " + reference);
        }
        List<String[]> refs = MediaTypes.MANIFESTS.contains(mediaType) ? imageReferences(repo, json)
                : indexReferences(repo, json);
        String subject = null;
        if (json.has("subject")) {
            subject = Digests.require(json.path("subject").path("digest").asString(null));
        }
        String artifactType = json.path("artifactType").asString(null);
        requireStringMap(json, "annotations");

        ManifestEntity entity = manifests.findByRepositoryIdAndDigest(repo.getId(), digest).orElse(null);
        if (entity == null) {
            entity = manifests.save(new ManifestEntity(repo.getId(), digest, mediaType, artifactType, subject, body));
            for (String[] r : refs) {
                references.save(new ManifestReferenceEntity(entity.getId(), r[0], r[1]));
            }
        }
        if (!byDigest) {
            TagEntity tag = tags.findByRepositoryIdAndName(repo.getId(), reference)
                    .orElseGet(() -> new TagEntity(repo.getId(), reference, digest));
            tag.pointAt(digest);
            tags.save(tag);
        }
        return new Stored(digest, subject);
    }

    /** The spec's annotations are strings; the referrers listing of others reads them back as such. */
    private static void requireStringMap(JsonNode json, String field) {
        if (!json.has(field)) {
            return;
        }
        JsonNode map = json.get(field);
        if (!map.isObject()) {
            throw new RegistryException(ErrorCode.MANIFEST_INVALID, "manifest " + field + " must be an object of strings");
        }
        for (Map.Entry<String, JsonNode> e : map.properties()) {
            if (!e.getValue().isString()) {
                throw new RegistryException(ErrorCode.MANIFEST_INVALID, "manifest " + field + " \"" + e.getKey()
                        + "\" is not a string");
            }
        }
    }

    private static String mediaType(JsonNode json, String contentType) {
        String declared = json.path("mediaType").asString(null);
        String header = contentType == null ? null : contentType.split(";")[0].strip();
        if (declared != null && header != null && !header.isEmpty() && !declared.equals(header)) {
            throw new RegistryException(ErrorCode.MANIFEST_INVALID, "manifest mediaType " + declared
                    + " does not match Content-Type " + header);
        }
        String type = declared != null ? declared : header;
        if (type == null || !(MediaTypes.MANIFESTS.contains(type) || MediaTypes.INDEXES.contains(type))) {
            throw new RegistryException(ErrorCode.MANIFEST_INVALID, "unsupported manifest media type \"" + type + "\"");
        }
        return type;
    }

    /** Config and layers: each must be a blob of this repository, of the declared size. */
    private List<String[]> imageReferences(RepositoryEntity repo, JsonNode json) {
        List<JsonNode> descriptors = new ArrayList<>();
        if (!json.path("config").isObject()) {
            throw new RegistryException(ErrorCode.MANIFEST_INVALID, "image manifest has no config descriptor");
        }
        descriptors.add(json.path("config"));
        if (json.has("layers") && !json.path("layers").isArray()) {
            throw new RegistryException(ErrorCode.MANIFEST_INVALID, "layers must be a list of descriptors");
        }
        json.path("layers").forEach(descriptors::add);
        List<String[]> refs = new ArrayList<>();
        for (JsonNode d : descriptors) {
            String digest = Digests.require(d.path("digest").asString(null));
            if (!blobs.isLinked(repo, digest)) {
                throw new RegistryException(ErrorCode.MANIFEST_BLOB_UNKNOWN, "blob " + digest
                        + " referenced by the manifest is not in repository " + repo.getName(), Map.of("digest", digest));
            }
            long size = blobs.size(digest);
            if (d.path("size").asLong(-1) != size) {
                throw new RegistryException(ErrorCode.MANIFEST_INVALID, "descriptor of " + digest + " says "
                        + d.path("size").asLong(-1) + " bytes; the blob has " + size);
            }
            refs.add(new String[]{digest, ManifestReferenceEntity.BLOB});
        }
        return refs;
    }

    /** Index entries: each must be a manifest of this repository. */
    private List<String[]> indexReferences(RepositoryEntity repo, JsonNode json) {
        if (!json.path("manifests").isArray()) {
            throw new RegistryException(ErrorCode.MANIFEST_INVALID, "image index has no manifests list");
        }
        List<String[]> refs = new ArrayList<>();
        for (JsonNode d : json.path("manifests")) {
            String digest = Digests.require(d.path("digest").asString(null));
            if (!manifests.existsByRepositoryIdAndDigest(repo.getId(), digest)) {
                throw new RegistryException(ErrorCode.MANIFEST_BLOB_UNKNOWN, "manifest " + digest
                        + " referenced by the index is not in repository " + repo.getName(), Map.of("digest", digest));
            }
            refs.add(new String[]{digest, ManifestReferenceEntity.MANIFEST});
        }
        return refs;
    }

    public ManifestEntity get(RepositoryEntity repo, String reference) {
        String digest = reference;
        if (!Digests.isDigest(reference)) {
            digest = tags.findByRepositoryIdAndName(repo.getId(), reference).map(TagEntity::getManifestDigest)
                    .orElseThrow(() -> new RegistryException(ErrorCode.MANIFEST_UNKNOWN, "manifest " + reference
                            + " is not known to repository " + repo.getName()));
        } else {
            Digests.require(reference);
        }
        String d = digest;
        return manifests.findByRepositoryIdAndDigest(repo.getId(), digest).orElseThrow(() ->
                new RegistryException(ErrorCode.MANIFEST_UNKNOWN, "manifest " + d + " is not known to repository "
                        + repo.getName()));
    }

    /** By digest: the manifest and the tags pointing at it; by tag: the tag only. */
    @Transactional
    public void delete(RepositoryEntity repo, String reference) {
        if (Digests.isDigest(reference)) {
            ManifestEntity m = get(repo, reference);
            tags.deleteByManifest(repo.getId(), m.getDigest());
            manifests.delete(m);
        } else {
            TagEntity tag = tags.findByRepositoryIdAndName(repo.getId(), reference).orElseThrow(() ->
                    new RegistryException(ErrorCode.MANIFEST_UNKNOWN, "tag " + reference + " is not known to repository "
                            + repo.getName()));
            tags.delete(tag);
        }
    }

    /** Tags in lexical order after {@code last}, at most {@code n}. */
    public List<String> tags(RepositoryEntity repo, int n, String last) {
        return tags.findByRepositoryIdAndNameGreaterThanOrderByNameAsc(repo.getId(), last == null ? "" : last,
                Limit.of(n)).stream().map(TagEntity::getName).toList();
    }

    /** The referrers API's index: manifests whose subject is {@code digest}, optionally of one artifact type. */
    public ImageIndex referrers(RepositoryEntity repo, String digest, String artifactType) {
        Digests.require(digest);
        List<Descriptor> out = new ArrayList<>();
        for (ManifestEntity m : manifests.findByRepositoryIdAndSubjectDigest(repo.getId(), digest)) {
            JsonNode json = Json.MAPPER.readTree(m.getContent());
            String type = m.getArtifactType() != null ? m.getArtifactType()
                    : json.path("config").path("mediaType").asString(null);
            if (artifactType != null && !artifactType.equals(type)) {
                continue;
            }
            Map<String, String> annotations = json.has("annotations")
                    ? Json.MAPPER.convertValue(json.get("annotations"), Json.MAPPER.getTypeFactory()
                    .constructMapType(Map.class, String.class, String.class)) : null;
            out.add(new Descriptor(m.getMediaType(), m.getDigest(), m.getSize(), type, annotations, null, null));
        }
        return new ImageIndex(2, MediaTypes.OCI_INDEX, null, out, null, null);
    }
}
