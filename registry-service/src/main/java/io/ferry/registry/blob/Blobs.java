package io.ferry.registry.blob;

import io.ferry.registry.error.ErrorCode;
import io.ferry.registry.error.RegistryException;
import io.ferry.registry.repository.RepositoryEntity;
import io.ferry.registry.storage.BlobFiles;
import io.ferry.registry.storage.Digests;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.nio.file.Path;
import java.time.Instant;

/** Blobs as a repository sees them: a blob is visible in a repository once linked to it. */
@Service
public class Blobs {
    private final BlobRepository blobs;
    private final RepositoryBlobRepository links;
    private final BlobFiles files;

    public Blobs(BlobRepository blobs, RepositoryBlobRepository links, BlobFiles files) {
        this.blobs = blobs;
        this.links = links;
        this.files = files;
    }

    /** The blob's size and file; BLOB_UNKNOWN unless it is linked to the repository. */
    public record Found(String digest, long size, Path file) {
    }

    public Found find(RepositoryEntity repo, String digest) {
        Digests.require(digest);
        BlobEntity blob = blobs.findById(digest).orElse(null);
        if (blob == null || !links.existsByRepositoryIdAndDigest(repo.getId(), digest) || !files.exists(digest)) {
            throw new RegistryException(ErrorCode.BLOB_UNKNOWN, "blob " + digest + " is not known to repository "
                    + repo.getName());
        }
        return new Found(digest, blob.getSize(), files.path(digest));
    }

    public boolean isLinked(RepositoryEntity repo, String digest) {
        return links.existsByRepositoryIdAndDigest(repo.getId(), digest) && files.exists(digest);
    }

    /** Records a stored blob and links it to the repository; concurrent uploads of the same content all succeed. */
    @Transactional
    public void register(RepositoryEntity repo, String digest, long size) {
        blobs.insertIfAbsent(digest, size, Instant.now());
        link(repo, digest);
    }

    @Transactional
    public void link(RepositoryEntity repo, String digest) {
        links.linkIfAbsent(repo.getId(), digest, Instant.now());
    }

    @Transactional
    public void unlink(RepositoryEntity repo, String digest) {
        find(repo, digest);
        links.unlink(repo.getId(), digest);
    }

    public long size(String digest) {
        return blobs.findById(digest).map(BlobEntity::getSize).orElse(-1L);
    }
}
