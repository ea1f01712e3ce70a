package io.ferry.registry.upload;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** A blob upload in progress; kept in PostgreSQL so it survives a restart of the service. */
@Entity
@Table(name = "upload_session")
public class UploadSessionEntity {
    @Id
    private UUID id;

    @Column(name = "repository_id", nullable = false)
    private Long repositoryId;

    @Column(nullable = false)
    private long received;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected UploadSessionEntity() {
    }

    public UploadSessionEntity(UUID id, Long repositoryId) {
        this.id = id;
        this.repositoryId = repositoryId;
        this.createdAt = Instant.now();
        this.updatedAt = createdAt;
    }

    public UUID getId() {
        return id;
    }

    public Long getRepositoryId() {
        return repositoryId;
    }

    public long getReceived() {
        return received;
    }

    public void received(long total) {
        this.received = total;
        this.updatedAt = Instant.now();
    }
}
