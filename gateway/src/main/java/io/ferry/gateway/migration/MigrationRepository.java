package io.ferry.gateway.migration;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

import java.util.Collection;
import java.util.List;

public interface MigrationRepository extends JpaRepository<Migration, String> {

    @Query("""
            select m from Migration m
            where (:state is null or m.state = :state)
              and (:host is null or m.sourceHost = :host or m.targetHost = :host)
            order by m.requestedAt desc""")
    List<Migration> search(MigrationState state, String host);

    List<Migration> findByStateIn(Collection<MigrationState> states);

    /**
     * Locks the migration's row (if it exists) for this transaction: one migration's messages are handled one
     * at a time, also by two gateway instances. Run before anything loads the row, so what is read next is the
     * committed state of whoever held the lock before.
     */
    @Query(nativeQuery = true, value = "select id from migration where id = :id for update")
    List<String> lock(String id);

    /**
     * Serialises the requests for one container of one source host until this transaction ends (a transaction
     * lock keyed by both): the check for an active migration and the insert of a new one cannot interleave.
     */
    @Query(nativeQuery = true, value = """
            select count(*) from (select pg_advisory_xact_lock(hashtextextended(:sourceHost || '/' || :containerId, 0))) l""")
    long lockContainer(String sourceHost, String containerId);

    /** Migrations of this container from this source host that have not ended. */
    @Query("""
            select m.id from Migration m
            where m.sourceHost = :sourceHost and m.containerId = :containerId and m.id <> :exceptId
              and m.state not in (io.ferry.gateway.migration.MigrationState.COMPLETED,
                                  io.ferry.gateway.migration.MigrationState.ROLLED_BACK,
                                  io.ferry.gateway.migration.MigrationState.FAILED)""")
    List<String> activeOf(String sourceHost, String containerId, String exceptId);
}
