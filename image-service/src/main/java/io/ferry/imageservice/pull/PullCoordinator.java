package io.ferry.imageservice.pull;

import io.ferry.core.engine.Images;
import io.ferry.core.image.ImagePuller;
import io.ferry.core.registry.Reference;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Service;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pulls with the host's metrics: two requests for the same image at the same time share one pull
 * (the second waits for the first); layers shared with other images are deduplicated further down,
 * in the engine's puller, across images and processes.
 */
@Service
public class PullCoordinator {
    private final Images images;
    private final ConcurrentHashMap<String, CompletableFuture<ImagePuller.Result>> inFlight = new ConcurrentHashMap<>();
    private final Counter bytesPulled;
    private final Counter cacheHits;
    private final Counter layersDownloaded;
    private final MeterRegistry meters;

    public PullCoordinator(Images images, MeterRegistry meters) {
        this.images = images;
        this.meters = meters;
        this.bytesPulled = Counter.builder("ferry.images.pulled.bytes").baseUnit("bytes")
                .description("Bytes of image layers downloaded from registries").register(meters);
        this.cacheHits = Counter.builder("ferry.images.cache.hits")
                .description("Layers a pull found already unpacked on the host").register(meters);
        this.layersDownloaded = Counter.builder("ferry.images.layers.downloaded")
                .description("Layers downloaded and unpacked").register(meters);
    }

    public ImagePuller.Result pull(String reference) {
        Reference ref = Reference.parse(reference);
        String key = ref.toString();
        CompletableFuture<ImagePuller.Result> mine = new CompletableFuture<>();
        CompletableFuture<ImagePuller.Result> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            try {
                return running.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        Timer.Sample sample = Timer.start(meters);
        String outcome = "failure";
        try {
            // the reference comes from a request: only from an allowed registry
            ImagePuller.Result result = images.pullFromAllowed(key);
            bytesPulled.increment(result.bytesDownloaded());
            cacheHits.increment(result.layersCached());
            layersDownloaded.increment(result.layersDownloaded());
            outcome = result.layersDownloaded() == 0 ? "cached" : "downloaded";
            mine.complete(result);
            return result;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, mine);
            sample.stop(Timer.builder("ferry.images.pull.duration").description("Time to pull an image")
                    .tag("outcome", outcome).publishPercentileHistogram().register(meters));
        }
    }
}
