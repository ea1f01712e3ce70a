package io.ferry.registry.blob;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

public interface RepositoryBlobRepository extends JpaRepository<RepositoryBlobEntity, Long> {
    boolean existsByRepositoryIdAndDigest(Long repositoryId, String digest);

    @Modifying
    @Query("delete from RepositoryBlobEntity l where l.repositoryId = :repositoryId and l.digest = :digest")
    int unlink(Long repositoryId, String digest);

    @Modifying
    @Query("delete from RepositoryBlobEntity l where l.digest = :digest")
    int unlinkEverywhere(String digest);
}
