package io.ferry.core.registry;

import io.ferry.core.error.RegistryNotAllowedException;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The registries this host pulls from on someone else's say-so: an archive's image, the archive a
 * restore command names, a pull asked of image-service. The configured registries (those with
 * credentials) and the ones explicitly allowed; a user's own {@code ferry pull} is not restricted.
 */
public record AllowedRegistries(Set<String> hosts) {

    public AllowedRegistries {
        hosts = Set.copyOf(new TreeSet<>(hosts));
    }

    /** Refuses {@code registry} unless allowed; {@code what} names who named it, e.g. "the archive's image X". */
    public void require(String registry, String what) {
        if (!hosts.contains(registry.toLowerCase(Locale.ROOT))) {
            throw new RegistryNotAllowedException(what + " names registry " + registry
                    + ", which is not an allowed registry of this host (allowed: "
                    + (hosts.isEmpty() ? "none" : String.join(", ", new TreeSet<>(hosts))) + ")");
        }
    }
}
