package io.ferry.imageservice.api;

import io.ferry.core.engine.Images;
import io.ferry.core.image.Image;
import io.ferry.core.image.ImagePuller;
import io.ferry.core.image.ImagePusher;
import io.ferry.imageservice.pull.PullCoordinator;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/** {@code POST /images/pull}, {@code POST /images/push}, {@code GET /images}, {@code DELETE /images/{ref}}. */
@RestController
@RequestMapping("/images")
public class ImageController {
    private final PullCoordinator pulls;
    private final Images images;

    public ImageController(PullCoordinator pulls, Images images) {
        this.pulls = pulls;
        this.images = images;
    }

    public record PullRequest(String reference) {
    }

    public record PullResponse(String id, List<String> names, List<String> layers, long bytesDownloaded,
                               int layersDownloaded, int layersCached) {
    }

    public record PushRequest(String image, String destination) {
    }

    @PostMapping("/pull")
    public PullResponse pull(@RequestBody PullRequest request) {
        if (request.reference() == null || request.reference().isBlank()) {
            throw new IllegalArgumentException("reference is required, e.g. {\"reference\": \"localhost:5000/busybox:latest\"}");
        }
        ImagePuller.Result r = pulls.pull(request.reference());
        return new PullResponse(r.image().id(), r.image().names(), r.image().layers(), r.bytesDownloaded(),
                r.layersDownloaded(), r.layersCached());
    }

    /** The engine's push: to {@code destination}, or to the image's own name that names a registry. */
    @PostMapping("/push")
    public ImagePusher.Result push(@RequestBody PushRequest request) {
        if (request.image() == null || request.image().isBlank()) {
            throw new IllegalArgumentException("image is required, e.g. {\"image\": \"busybox:latest\", \"destination\": \"localhost:5000/busybox:latest\"}");
        }
        return images.push(request.image(), request.destination());
    }

    @GetMapping
    public List<Image> list() {
        return images.list();
    }

    /** The reference may hold slashes (registry/repo:tag): it is the rest of the path. Refused while a container uses it. */
    @DeleteMapping("/{*reference}")
    public ResponseEntity<Void> delete(@PathVariable String reference) {
        images.remove(reference.substring(1));
        return ResponseEntity.noContent().build();
    }
}
