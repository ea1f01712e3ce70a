package io.ferry.imageservice.api;

import io.ferry.core.container.ContainerStore;
import io.ferry.core.host.Host;
import io.ferry.core.image.Image;
import io.ferry.core.image.ImagePuller;
import io.ferry.core.image.ImagePusher;
import io.ferry.core.image.ImageStore;
import io.ferry.core.registry.Reference;
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
    private final ImagePusher pusher;
    private final ImageStore store;
    private final ContainerStore containers;

    public ImageController(PullCoordinator pulls, ImagePusher pusher, ImageStore store, Host host) {
        this.pulls = pulls;
        this.pusher = pusher;
        this.store = store;
        this.containers = new ContainerStore(host.containers());
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

    @PostMapping("/push")
    public ImagePusher.Result push(@RequestBody PushRequest request) {
        Image image = store.get(request.image());
        return pusher.push(image, Reference.parse(request.destination() != null ? request.destination() : request.image()));
    }

    @GetMapping
    public List<Image> list() {
        return store.list();
    }

    /** The reference may hold slashes (registry/repo:tag): it is the rest of the path. */
    @DeleteMapping("/{*reference}")
    public ResponseEntity<Void> delete(@PathVariable String reference) {
        Image image = store.get(reference.substring(1));
        containers.requireUnused(image, reference.substring(1)); // the engine's containers, on the same state root
        store.remove(image);
        return ResponseEntity.noContent().build();
    }
}
