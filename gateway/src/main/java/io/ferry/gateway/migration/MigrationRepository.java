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
}
