package io.ferry.registry.manifest;

import org.springframework.data.jpa.repository.JpaRepository;

public interface ManifestReferenceRepository extends JpaRepository<ManifestReferenceEntity, Long> {
}
