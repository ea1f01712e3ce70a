package io.ferry.registry.repository;

import io.ferry.registry.error.ErrorCode;
import io.ferry.registry.error.RegistryException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;

/** Looks repositories up (pull: it must exist) or creates them (push). */
@Service
public class Repositories {
    private final RepositoryRepository repositories;

    public Repositories(RepositoryRepository repositories) {
        this.repositories = repositories;
    }

    public RepositoryEntity existing(String name) {
        return repositories.findByName(name).orElseThrow(() ->
                new RegistryException(ErrorCode.NAME_UNKNOWN, "repository " + name + " is not known to the registry"));
    }

    public RepositoryEntity existingOrNull(String name) {
        return repositories.findByName(name).orElse(null);
    }

    public RepositoryEntity getOrCreate(String name) {
        return repositories.findByName(name).orElseGet(() -> {
            try {
                return repositories.saveAndFlush(new RepositoryEntity(name));
            } catch (DataIntegrityViolationException raced) {
                return repositories.findByName(name).orElseThrow();
            }
        });
    }
}
