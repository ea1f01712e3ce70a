package io.ferry.registry.api;

import io.ferry.core.oci.ImageIndex;
import io.ferry.core.oci.MediaTypes;
import io.ferry.registry.blob.Blobs;
import io.ferry.registry.config.RegistryProperties;
import io.ferry.registry.error.ErrorCode;
import io.ferry.registry.error.RegistryException;
import io.ferry.registry.manifest.ManifestEntity;
import io.ferry.registry.manifest.Manifests;
import io.ferry.registry.repository.Repositories;
import io.ferry.registry.repository.RepositoryEntity;
import io.ferry.registry.route.V2Request;
import io.ferry.registry.route.V2Route;
import io.ferry.registry.upload.UploadSessionEntity;
import io.ferry.registry.upload.Uploads;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.core.io.FileSystemResource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The OCI Distribution API (v1.1) under /v2. Repository names hold slashes, so every endpoint is one
 * catch-all mapping per method, and the {@link V2Request} that the auth filter judged (never Spring's
 * own decoding of the path) tells which resource the path names and holds the query parameters.
 */
@RestController
@RequestMapping("/v2")
public class DistributionController {
    private final Repositories repositories;
    private final Blobs blobs;
    private final Uploads uploads;
    private final Manifests manifests;
    private final long maxManifestBytes;
    /** The largest tags page; a client asking for more gets this many and a Link to the rest. */
    static final int MAX_TAGS_PAGE = 1000;

    public DistributionController(Repositories repositories, Blobs blobs, Uploads uploads, Manifests manifests,
                                  RegistryProperties properties) {
        this.repositories = repositories;
        this.blobs = blobs;
        this.uploads = uploads;
        this.manifests = manifests;
        this.maxManifestBytes = properties.limits().maxManifestSize().toBytes();
    }

    @GetMapping({"", "/"})
    public ResponseEntity<Map<String, Object>> base() {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(Map.of());
    }

    @RequestMapping(path = "/{*path}", method = {RequestMethod.GET, RequestMethod.HEAD})
    public ResponseEntity<?> read(HttpServletRequest request) {
        V2Request v2 = V2Request.of(request);
        V2Route route = v2.route();
        String artifactType = v2.param("artifactType");
        boolean head = request.getMethod().equals("HEAD");
        switch (route.kind()) {
            case BASE:
                return base();
            case MANIFEST: {
                ManifestEntity m = manifests.get(repositories.existing(route.name()), route.reference());
                ResponseEntity.BodyBuilder ok = ResponseEntity.ok()
                        .header("Docker-Content-Digest", m.getDigest())
                        .contentType(MediaType.parseMediaType(m.getMediaType()))
                        .contentLength(m.getSize());
                return head ? ok.build() : ok.body(m.getContent());
            }
            case BLOB: {
                Blobs.Found blob = blobs.find(repositories.existing(route.name()), route.reference());
                ResponseEntity.BodyBuilder ok = ResponseEntity.ok()
                        .header("Docker-Content-Digest", blob.digest())
                        .header(HttpHeaders.ACCEPT_RANGES, "bytes")
                        .contentType(MediaType.APPLICATION_OCTET_STREAM);
                if (head) {
                    return ok.contentLength(blob.size()).build();
                }
                if (request.getHeader(HttpHeaders.RANGE) == null && Sendfile.offer(request, blob.file(), blob.size())) {
                    return ok.contentLength(blob.size()).build(); // Tomcat sends the file itself (zero-copy)
                }
                // a Resource body gets Range support (206 + Content-Range) from Spring MVC
                return ok.body(new FileSystemResource(blob.file()));
            }
            case UPLOAD: {
                UUID id = Uploads.parseId(route.reference());
                long size = uploads.status(repositories.existing(route.name()), id);
                return ResponseEntity.noContent().header(HttpHeaders.LOCATION, uploadLocation(route.name(), id))
                        .header("Range", range(size)).header("Docker-Upload-UUID", id.toString()).build();
            }
            case TAGS:
                return tags(route.name(), v2.param("n"), v2.param("last"));
            case REFERRERS: {
                ImageIndex index = manifests.referrers(repositories.existing(route.name()), route.reference(), artifactType);
                ResponseEntity.BodyBuilder ok = ResponseEntity.ok().contentType(MediaType.parseMediaType(MediaTypes.OCI_INDEX));
                if (artifactType != null) {
                    ok.header("OCI-Filters-Applied", "artifactType");
                }
                return ok.body(index);
            }
            default:
                throw notAllowed(request);
        }
    }

    private ResponseEntity<?> tags(String name, String n, String last) {
        if (n != null && !n.matches("[0-9]{1,10}")) {
            throw new RegistryException(ErrorCode.UNSUPPORTED, "n must be a number from 0, not \"" + n + "\"");
        }
        if (last != null && !V2Route.TAG.matcher(last).matches()) {
            throw new RegistryException(ErrorCode.UNSUPPORTED, "last must be a tag, not \"" + last + "\"");
        }
        RepositoryEntity repo = repositories.existing(name);
        int limit = n == null ? MAX_TAGS_PAGE : (int) Math.min(Long.parseLong(n), MAX_TAGS_PAGE);
        List<String> page = limit == 0 ? List.of() : manifests.tags(repo, limit + 1, last);
        ResponseEntity.BodyBuilder ok = ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON);
        if (page.size() > limit) {
            page = page.subList(0, limit);
            ok.header(HttpHeaders.LINK, "</v2/" + name + "/tags/list?n=" + limit + "&last=" + page.get(page.size() - 1)
                    + ">; rel=\"next\"");
        }
        return ok.body(Map.of("name", name, "tags", page));
    }

    @PostMapping("/{*path}")
    public ResponseEntity<?> post(HttpServletRequest request) throws IOException {
        V2Request v2 = V2Request.of(request);
        V2Route route = v2.route();
        if (route.kind() != V2Route.Kind.UPLOADS) {
            throw notAllowed(request);
        }
        String digest = v2.param("digest");
        String mount = v2.param("mount");
        String from = v2.param("from");
        RepositoryEntity repo = repositories.getOrCreate(route.name());
        if (mount != null) {
            RepositoryEntity source = from == null ? null : repositories.existingOrNull(from);
            if (uploads.mount(repo, source, mount)) {
                return created(route.name(), mount);
            }
        }
        if (digest != null) {
            try (InputStream body = request.getInputStream()) {
                return created(route.name(), uploads.monolithic(repo, digest, body));
            }
        }
        UploadSessionEntity session = uploads.start(repo);
        return ResponseEntity.accepted().header(HttpHeaders.LOCATION, uploadLocation(route.name(), session.getId()))
                .header("Range", range(0)).header("Docker-Upload-UUID", session.getId().toString()).build();
    }

    @PatchMapping("/{*path}")
    public ResponseEntity<?> patch(HttpServletRequest request) throws IOException {
        V2Route route = V2Request.of(request).route();
        if (route.kind() != V2Route.Kind.UPLOAD) {
            throw notAllowed(request);
        }
        UUID id = Uploads.parseId(route.reference());
        long size;
        try (InputStream body = request.getInputStream()) {
            size = uploads.append(repositories.existing(route.name()), id, body, request.getHeader("Content-Range"),
                    request.getContentLengthLong());
        }
        return ResponseEntity.accepted().header(HttpHeaders.LOCATION, uploadLocation(route.name(), id))
                .header("Range", range(size)).header("Docker-Upload-UUID", id.toString()).build();
    }

    @PutMapping("/{*path}")
    public ResponseEntity<?> put(HttpServletRequest request) throws IOException {
        V2Request v2 = V2Request.of(request);
        V2Route route = v2.route();
        String digest = v2.param("digest");
        if (route.kind() == V2Route.Kind.UPLOAD) {
            if (digest == null) {
                throw new RegistryException(ErrorCode.DIGEST_INVALID, "PUT to an upload needs ?digest=");
            }
            UUID id = Uploads.parseId(route.reference());
            try (InputStream body = request.getInputStream()) {
                String stored = uploads.finish(repositories.existing(route.name()), id, digest, body,
                        request.getHeader("Content-Range"), request.getContentLengthLong());
                return created(route.name(), stored);
            }
        }
        if (route.kind() != V2Route.Kind.MANIFEST) {
            throw notAllowed(request);
        }
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxManifestBytes + 1));
        }
        if (body.length > maxManifestBytes) {
            throw new RegistryException(ErrorCode.SIZE_INVALID, HttpStatus.PAYLOAD_TOO_LARGE,
                    "manifest exceeds the limit of " + maxManifestBytes + " bytes", null);
        }
        RepositoryEntity repo = repositories.getOrCreate(route.name());
        Manifests.Stored stored = manifests.put(repo, route.reference(), request.getContentType(), body);
        ResponseEntity.BodyBuilder created = ResponseEntity.status(HttpStatus.CREATED)
                .header(HttpHeaders.LOCATION, "/v2/" + route.name() + "/manifests/" + stored.digest())
                .header("Docker-Content-Digest", stored.digest());
        if (stored.subject() != null) {
            created.header("OCI-Subject", stored.subject());
        }
        return created.build();
    }

    @DeleteMapping("/{*path}")
    public ResponseEntity<?> delete(HttpServletRequest request) {
        V2Route route = V2Request.of(request).route();
        RepositoryEntity repo = repositories.existing(route.name());
        switch (route.kind()) {
            case MANIFEST -> manifests.delete(repo, route.reference());
            case BLOB -> blobs.unlink(repo, route.reference());
            case UPLOAD -> uploads.cancel(repo, Uploads.parseId(route.reference()));
            default -> throw notAllowed(request);
        }
        return ResponseEntity.accepted().build();
    }

    private static ResponseEntity<?> created(String name, String digest) {
        return ResponseEntity.status(HttpStatus.CREATED).header(HttpHeaders.LOCATION, "/v2/" + name + "/blobs/" + digest)
                .header("Docker-Content-Digest", digest).build();
    }

    private static String uploadLocation(String name, UUID id) {
        return "/v2/" + name + "/blobs/uploads/" + id;
    }

    /** The spec's Range header of an upload: "0-<last byte>" ("0-0" when empty, as registries send it). */
    private static String range(long size) {
        return "0-" + Math.max(0, size - 1);
    }

    private static RegistryException notAllowed(HttpServletRequest request) {
        return new RegistryException(ErrorCode.UNSUPPORTED, HttpStatus.METHOD_NOT_ALLOWED,
                request.getMethod() + " is not supported on " + request.getRequestURI(), null);
    }
}
