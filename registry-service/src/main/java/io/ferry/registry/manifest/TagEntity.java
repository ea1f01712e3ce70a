package io.ferry.registry.manifest;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A tag: a name in a repository pointing at a manifest digest. */
@Entity
@Table(name = "tag")
public class TagEntity {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "repository_id", nullable = false)
    private Long repositoryId;

    @Column(nullable = false)
    private String name;

    @Column(name = "manifest_digest", nullable = false)
    private String manifestDigest;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected TagEntity() {
    }

    public TagEntity(Long repositoryId, String name, String manifestDigest) {
        this.repositoryId = repositoryId;
        this.name = name;
        pointAt(manifestDigest);
    }

    public void pointAt(String digest) {
        this.manifestDigest = digest;
        this.updatedAt = Instant.now();
    }

    public String getName() {
        return name;
    }

    public String getManifestDigest() {
        return manifestDigest;
    }
}
