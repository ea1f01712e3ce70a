package io.ferry.registry.blob;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

import java.time.Instant;
import java.util.List;

public interface BlobRepository extends JpaRepository<BlobEntity, String> {

    /** Blobs older than {@code before} that no manifest references: garbage. */
    @Query("""
            select b from BlobEntity b where b.createdAt < :before and not exists (
              select 1 from ManifestReferenceEntity r where r.digest = b.digest)""")
    List<BlobEntity> findUnreferencedBefore(Instant before);

    @Modifying
    @Query("delete from BlobEntity b where b.digest = :digest")
    int deleteByDigest(String digest);
}
