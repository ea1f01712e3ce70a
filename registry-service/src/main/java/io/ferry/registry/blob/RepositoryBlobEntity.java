package io.ferry.registry.blob;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A blob made available in a repository (by upload or cross-repository mount). */
@Entity
@Table(name = "repository_blob")
public class RepositoryBlobEntity {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "repository_id", nullable = false)
    private Long repositoryId;

    @Column(nullable = false)
    private String digest;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected RepositoryBlobEntity() {
    }
}
