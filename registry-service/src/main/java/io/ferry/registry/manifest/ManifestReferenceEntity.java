package io.ferry.registry.manifest;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A blob (config, layer) or manifest (index entry) that a manifest references: what GC keeps. */
@Entity
@Table(name = "manifest_reference")
public class ManifestReferenceEntity {
    public static final String BLOB = "blob";
    public static final String MANIFEST = "manifest";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "manifest_id", nullable = false)
    private Long manifestId;

    @Column(nullable = false)
    private String digest;

    @Column(nullable = false)
    private String kind;

    protected ManifestReferenceEntity() {
    }

    public ManifestReferenceEntity(Long manifestId, String digest, String kind) {
        this.manifestId = manifestId;
        this.digest = digest;
        this.kind = kind;
    }
}
