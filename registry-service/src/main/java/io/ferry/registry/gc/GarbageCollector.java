package io.ferry.registry.gc;

import io.ferry.registry.blob.BlobEntity;
import io.ferry.registry.blob.BlobRepository;
import io.ferry.registry.config.RegistryProperties;
import io.ferry.registry.storage.BlobFiles;
import io.ferry.registry.upload.UploadSessionEntity;
import io.ferry.registry.upload.UploadSessionRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Instant;

/**
 * Removes blobs no manifest references (after a grace period: a push uploads blobs before its
 * manifest) and upload sessions left idle, rows and files alike.
 */
@Component
public class GarbageCollector {
    private static final Logger log = LoggerFactory.getLogger(GarbageCollector.class);

    private final BlobRepository blobs;
    private final UploadSessionRepository sessions;
    private final BlobFiles files;
    private final RegistryProperties properties;
    private final TransactionTemplate tx;

    public GarbageCollector(BlobRepository blobs, UploadSessionRepository sessions,
                            BlobFiles files, RegistryProperties properties, TransactionTemplate tx) {
        this.blobs = blobs;
        this.sessions = sessions;
        this.files = files;
        this.properties = properties;
        this.tx = tx;
    }

    /** What one run removed. */
    public record Result(int blobs, int uploads) {
    }

    @Scheduled(fixedDelayString = "${ferry.registry.gc.interval:10m}", initialDelayString = "${ferry.registry.gc.interval:10m}")
    public void scheduled() {
        Result r = collect(Instant.now());
        if (r.blobs() + r.uploads() > 0) {
            log.info("garbage collection removed {} blobs and {} upload sessions", r.blobs(), r.uploads());
        }
    }

    public Result collect(Instant now) {
        int removedBlobs = 0;
        for (BlobEntity b : blobs.findUnreferencedBefore(now.minus(properties.gc().blobGrace()))) {
            // the blob's repository links go with it (on delete cascade)
            Integer n = tx.execute(s -> blobs.deleteByDigest(b.getDigest()));
            if (n != null && n > 0) {
                files.delete(b.getDigest());
                removedBlobs++;
            }
        }
        int removedUploads = 0;
        for (UploadSessionEntity s : sessions.findIdleSince(now.minus(properties.gc().uploadTtl()))) {
            files.deleteSession(s.getId());
            sessions.deleteById(s.getId());
            removedUploads++;
        }
        return new Result(removedBlobs, removedUploads);
    }
}
