package io.ferry.registry.upload;

import io.ferry.registry.blob.Blobs;
import io.ferry.registry.error.ErrorCode;
import io.ferry.registry.error.RegistryException;
import io.ferry.registry.repository.RepositoryEntity;
import io.ferry.registry.storage.BlobFiles;
import io.ferry.registry.storage.Digests;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import java.io.InputStream;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Blob uploads as the Distribution spec defines them: monolithic (POST ?digest=), sessions fed by
 * PATCH (with Content-Range, in order, or without: the whole body appended, as containers/image
 * sends it) and closed by PUT ?digest=, and cross-repository mounts.
 */
@Service
public class Uploads {
    // at most 18 digits: always a long, never a NumberFormatException
    private static final Pattern RANGE = Pattern.compile("(?:bytes )?(\\d{1,18})-(\\d{1,18})");

    private final UploadSessionRepository sessions;
    private final BlobFiles files;
    private final Blobs blobs;
    private final ConcurrentHashMap<UUID, ReentrantLock> locks = new ConcurrentHashMap<>();

    public Uploads(UploadSessionRepository sessions, BlobFiles files, Blobs blobs) {
        this.sessions = sessions;
        this.files = files;
        this.blobs = blobs;
    }

    public UploadSessionEntity start(RepositoryEntity repo) {
        UUID id = UUID.randomUUID();
        files.createSession(id);
        return sessions.save(new UploadSessionEntity(id, repo.getId()));
    }

    /** POST ?digest=: the whole blob in one request. */
    public String monolithic(RepositoryEntity repo, String digest, InputStream body) {
        Digests.require(digest);
        BlobFiles.Stored stored = files.store(body, digest);
        blobs.register(repo, stored.digest(), stored.size());
        return stored.digest();
    }

    /** POST ?mount=&from=: true when the blob was linked without an upload. */
    public boolean mount(RepositoryEntity repo, RepositoryEntity from, String digest) {
        Digests.require(digest);
        if (from == null || !blobs.isLinked(from, digest)) {
            return false;
        }
        blobs.link(repo, digest);
        return true;
    }

    /** PATCH: appends a chunk; returns the session's size afterwards. */
    public long append(RepositoryEntity repo, UUID id, InputStream body, String contentRange, long contentLength) {
        return locked(id, () -> {
            UploadSessionEntity session = session(repo, id);
            long before = files.sessionSize(id);
            long expected = -1;
            if (contentRange != null) {
                Matcher m = RANGE.matcher(contentRange.strip());
                if (!m.matches()) {
                    throw new RegistryException(ErrorCode.BLOB_UPLOAD_INVALID, HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
                            "malformed Content-Range \"" + contentRange + "\"", null);
                }
                long start = Long.parseLong(m.group(1));
                long end = Long.parseLong(m.group(2));
                if (start != before || end < start) {
                    throw new RegistryException(ErrorCode.BLOB_UPLOAD_INVALID, HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
                            "chunk " + start + "-" + end + " is out of order: the upload holds " + before + " bytes",
                            java.util.Map.of("received", before));
                }
                expected = end - start + 1;
                if (contentLength >= 0 && contentLength != expected) {
                    throw new RegistryException(ErrorCode.SIZE_INVALID, "Content-Length " + contentLength
                            + " does not match Content-Range " + contentRange);
                }
            }
            long after = files.append(id, body);
            if (expected >= 0 && after - before != expected) {
                files.truncate(id, before);
                throw new RegistryException(ErrorCode.BLOB_UPLOAD_INVALID, "chunk ended after " + (after - before)
                        + " of " + expected + " bytes; it was not kept");
            }
            session.received(after);
            sessions.save(session);
            return after;
        });
    }

    public long status(RepositoryEntity repo, UUID id) {
        session(repo, id);
        return files.sessionSize(id);
    }

    /** PUT ?digest=: the last chunk (possibly empty), verification, and the blob made visible. */
    public String finish(RepositoryEntity repo, UUID id, String digest, InputStream body, String contentRange,
                         long contentLength) {
        Digests.require(digest);
        return locked(id, () -> {
            session(repo, id);
            if (contentLength != 0) {
                append(repo, id, body, contentRange, contentLength);
            }
            try {
                BlobFiles.Stored stored = files.finish(id, digest);
                blobs.register(repo, stored.digest(), stored.size());
                return stored.digest();
            } finally {
                files.deleteSession(id);
                sessions.deleteById(id);
            }
        });
    }

    public void cancel(RepositoryEntity repo, UUID id) {
        locked(id, () -> {
            session(repo, id);
            files.deleteSession(id);
            sessions.deleteById(id);
            return null;
        });
    }

    public static UUID parseId(String s) {
        try {
            return UUID.fromString(s);
        } catch (IllegalArgumentException e) {
            throw new RegistryException(ErrorCode.BLOB_UPLOAD_UNKNOWN, "upload " + s + " is unknown");
        }
    }

    private UploadSessionEntity session(RepositoryEntity repo, UUID id) {
        return sessions.findById(id).filter(s -> s.getRepositoryId().equals(repo.getId()))
                .orElseThrow(() -> new RegistryException(ErrorCode.BLOB_UPLOAD_UNKNOWN, "upload " + id + " is unknown"));
    }

    private <T> T locked(UUID id, java.util.function.Supplier<T> work) {
        ReentrantLock lock = locks.computeIfAbsent(id, k -> new ReentrantLock());
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
            if (!lock.isLocked()) {
                locks.remove(id, lock);
            }
        }
    }
}
