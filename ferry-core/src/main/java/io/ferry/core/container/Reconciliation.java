package io.ferry.core.container;

import java.nio.file.Path;
import java.util.List;

/**
 * What a reconciliation of a host's records with what really runs did.
 *
 * @param adopted  containers a killed restore left running: now recorded as running (by name)
 * @param removed  half-made containers removed (by id): a killed restore's, or a runtime container without a record that did not run
 * @param orphans  running runtime containers without a record: left alone, for the user to see (ps -a) and remove (rm -f)
 * @param staging  staging directories of killed restores removed from the host's tmp
 */
public record Reconciliation(List<String> adopted, List<String> removed, List<Orphan> orphans, List<Path> staging) {
    public Reconciliation withStaging(List<Path> removedStaging) {
        return new Reconciliation(adopted, removed, orphans, List.copyOf(removedStaging));
    }

    public boolean changedAnything() {
        return !adopted.isEmpty() || !removed.isEmpty() || !staging.isEmpty();
    }
}
