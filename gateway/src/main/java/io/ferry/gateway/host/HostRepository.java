package io.ferry.gateway.host;

import org.springframework.data.jpa.repository.JpaRepository;

import java.util.List;

public interface HostRepository extends JpaRepository<HostEntity, String> {
    List<HostEntity> findByHostId(String hostId);
}
