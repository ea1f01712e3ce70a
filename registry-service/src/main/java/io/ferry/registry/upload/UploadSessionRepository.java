package io.ferry.registry.upload;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

public interface UploadSessionRepository extends JpaRepository<UploadSessionEntity, UUID> {
    @Query("select s from UploadSessionEntity s where s.updatedAt < :before")
    List<UploadSessionEntity> findIdleSince(Instant before);
}
