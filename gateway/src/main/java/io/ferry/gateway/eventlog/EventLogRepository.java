package io.ferry.gateway.eventlog;

import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

import java.time.Instant;
import java.util.List;

public interface EventLogRepository extends JpaRepository<EventLogEntry, Long> {

    /** Appends unless the event id is already in the log; returns 1 when appended, 0 for a duplicate. */
    @Modifying
    @Query(nativeQuery = true, value = """
            insert into event_log (event_id, migration_id, type, host_id, at, payload, requested_by)
            values (:eventId, :migrationId, :type, :hostId, :at, :payload, :requestedBy)
            on conflict (event_id) do nothing""")
    int append(String eventId, String migrationId, String type, String hostId, Instant at, String payload,
               String requestedBy);

    @Query("select e.seq from EventLogEntry e where e.eventId = :eventId")
    Long seqOf(String eventId);

    List<EventLogEntry> findByMigrationIdOrderBySeqAsc(String migrationId);

    List<EventLogEntry> findByMigrationIdAndSeqGreaterThanOrderBySeqAsc(String migrationId, long seq);

    List<EventLogEntry> findBySeqGreaterThanOrderBySeqAsc(long seq, Limit limit);
}
