package io.ferry.core.image;

import io.ferry.core.error.FerryException;
import io.ferry.core.json.Json;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Asks the host's image-service ({@code POST /images/pull}) to pull an image, so that concurrent
 * pulls on the host share one download and the service's metrics see them; the image then is in
 * the host's store, which the service and the engine share. Each request carries the host's
 * {@link ImageServiceToken}, read from the state root (the service may have made it after this client).
 */
public final class ImageServiceClient implements ImageFetcher {
    private final URI base;
    private final ImageStore store;
    private final Path tokenFile;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public ImageServiceClient(URI base, ImageStore store, Path tokenFile) {
        this.base = base;
        this.store = store;
        this.tokenFile = tokenFile;
    }

    @Override
    public Image fetch(String reference) {
        try {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(base.resolve("/images/pull"))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + ImageServiceToken.read(tokenFile))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(Map.of("reference", reference))))
                    .timeout(Duration.ofMinutes(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                JsonNode problem = Json.MAPPER.readTree(r.body());
                throw new FerryException("image-service could not pull " + reference + ": "
                        + problem.path("detail").asString(new String(r.body())));
            }
            return store.get(reference);
        } catch (IOException e) {
            throw new FerryException("cannot reach image-service at " + base + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FerryException("interrupted while pulling " + reference, e);
        }
    }
}
