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

    /**
     * Records a stored blob; a concurrent upload of the same content may have recorded it first, which
     * is no error (a failed insert would abort the whole PostgreSQL transaction).
     */
    @Modifying
    @Query(value = """
            insert into blob (digest, size, created_at) values (:digest, :size, :createdAt)
            on conflict (digest) do nothing""", nativeQuery = true)
    int insertIfAbsent(String digest, long size, Instant createdAt);

    @Modifying
    @Query("delete from BlobEntity b where b.digest = :digest")
    int deleteByDigest(String digest);
}
