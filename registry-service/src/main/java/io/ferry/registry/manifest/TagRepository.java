package io.ferry.registry.manifest;

import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

import java.util.List;
import java.util.Optional;

public interface TagRepository extends JpaRepository<TagEntity, Long> {
    Optional<TagEntity> findByRepositoryIdAndName(Long repositoryId, String name);

    List<TagEntity> findByRepositoryIdAndNameGreaterThanOrderByNameAsc(Long repositoryId, String after, Limit limit);

    @Modifying
    @Query("delete from TagEntity t where t.repositoryId = :repositoryId and t.manifestDigest = :digest")
    int deleteByManifest(Long repositoryId, String digest);
}
