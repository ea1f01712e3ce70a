package io.ferry.registry.manifest;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A manifest (image manifest, index or artifact) in a repository; its bytes are kept verbatim. */
@Entity
@Table(name = "manifest")
public class ManifestEntity {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "repository_id", nullable = false)
    private Long repositoryId;

    @Column(nullable = false)
    private String digest;

    @Column(name = "media_type", nullable = false)
    private String mediaType;

    @Column(name = "artifact_type")
    private String artifactType;

    @Column(name = "subject_digest")
    private String subjectDigest;

    @Column(nullable = false)
    private byte[] content;

    @Column(nullable = false)
    private long size;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected ManifestEntity() {
    }

    public ManifestEntity(Long repositoryId, String digest, String mediaType, String artifactType,
                          String subjectDigest, byte[] content) {
        this.repositoryId = repositoryId;
        this.digest = digest;
        this.mediaType = mediaType;
        this.artifactType = artifactType;
        this.subjectDigest = subjectDigest;
        this.content = content;
        this.size = content.length;
        this.createdAt = Instant.now();
    }

    public Long getId() {
        return id;
    }

    public String getDigest() {
        return digest;
    }

    public String getMediaType() {
        return mediaType;
    }

    public String getArtifactType() {
        return artifactType;
    }

    public byte[] getContent() {
        return content;
    }

    public long getSize() {
        return size;
    }
}
