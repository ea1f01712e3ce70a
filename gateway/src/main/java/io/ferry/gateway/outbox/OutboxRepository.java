package io.ferry.gateway.outbox;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

import java.util.List;

public interface OutboxRepository extends JpaRepository<OutboxEntry, Long> {

    /**
     * Takes the relay's lock (a PostgreSQL advisory lock, released when the transaction ends), or
     * returns false when another gateway instance holds it: one relay at a time, so two never
     * interleave the commands of one migration.
     */
    @Query(nativeQuery = true, value = "select pg_try_advisory_xact_lock(:key)")
    boolean tryRelayLock(long key);

    /** The oldest unsent entries, locked; another gateway instance skips them rather than sending them twice. */
    @Query(nativeQuery = true, value = "select * from outbox where sent_at is null order by id limit 100 for update skip locked")
    List<OutboxEntry> lockUnsent();

    /**
     * The state, epoch and whether it waits for the target's cancel, of a command's migration, share-locked until the command is sent: the coordinator
     * cannot turn the migration around between this check and the send. (Read here, not through the migration
     * package, so the outbox depends on no other package.)
     */
    @Query(nativeQuery = true, value = "select state, epoch, awaiting_cancel from migration where id = :migrationId for share")
    List<Object[]> stateAndEpoch(String migrationId);
}
