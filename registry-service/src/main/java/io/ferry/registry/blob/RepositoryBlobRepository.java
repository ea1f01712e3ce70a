package io.ferry.registry.blob;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

import java.time.Instant;

public interface RepositoryBlobRepository extends JpaRepository<RepositoryBlobEntity, Long> {
    boolean existsByRepositoryIdAndDigest(Long repositoryId, String digest);

    /** Links a blob to a repository unless a concurrent upload or mount already did. */
    @Modifying
    @Query(value = """
            insert into repository_blob (repository_id, digest, created_at) values (:repositoryId, :digest, :createdAt)
            on conflict (repository_id, digest) do nothing""", nativeQuery = true)
    int linkIfAbsent(Long repositoryId, String digest, Instant createdAt);

    @Modifying
    @Query("delete from RepositoryBlobEntity l where l.repositoryId = :repositoryId and l.digest = :digest")
    int unlink(Long repositoryId, String digest);
}
