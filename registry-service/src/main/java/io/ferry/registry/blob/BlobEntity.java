package io.ferry.registry.blob;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A blob the registry holds (content on disk, see BlobFiles). */
@Entity
@Table(name = "blob")
public class BlobEntity {
    @Id
    private String digest;

    @Column(nullable = false)
    private long size;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected BlobEntity() {
    }

    public String getDigest() {
        return digest;
    }

    public long getSize() {
        return size;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }
}
