package io.ferry.registry.manifest;

import org.springframework.data.jpa.repository.JpaRepository;

import java.util.List;
import java.util.Optional;

public interface ManifestRepository extends JpaRepository<ManifestEntity, Long> {
    Optional<ManifestEntity> findByRepositoryIdAndDigest(Long repositoryId, String digest);

    boolean existsByRepositoryIdAndDigest(Long repositoryId, String digest);

    List<ManifestEntity> findByRepositoryIdAndSubjectDigest(Long repositoryId, String subjectDigest);
}
