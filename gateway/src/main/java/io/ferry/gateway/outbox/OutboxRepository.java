package io.ferry.gateway.outbox;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

import java.util.List;

public interface OutboxRepository extends JpaRepository<OutboxEntry, Long> {

    /** The oldest unsent entries, locked; another gateway instance skips them rather than sending them twice. */
    @Query(nativeQuery = true, value = "select * from outbox where sent_at is null order by id limit 100 for update skip locked")
    List<OutboxEntry> lockUnsent();
}
