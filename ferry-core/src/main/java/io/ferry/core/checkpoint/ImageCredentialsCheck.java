package io.ferry.core.checkpoint;

import io.ferry.core.criu.Capabilities;
import io.ferry.core.criu.TaskCredentials;
import io.ferry.core.error.InvalidArchiveException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;

/**
 * Defence in depth behind the spec check: CRIU restores each task with the credentials in its core
 * image, not the ones in config.json. Every restored thread's capability sets must lie within the
 * bounding set of this host's container template, and it must keep no_new_privs (the template
 * sets noNewPrivileges), or the archive is refused before runc runs.
 */
final class ImageCredentialsCheck {
    private static final List<String> SETS = List.of("inheritable", "permitted", "effective", "bounding", "ambient");

    private ImageCredentialsCheck() {
    }

    static void check(Path imagesDir, Collection<String> templateBoundingSet) {
        check(imagesDir, templateBoundingSet, true);
    }

    /** {@code noNewPrivs}: whether every task must keep no_new_privs (Podman's containers do not set it). */
    static void check(Path imagesDir, Collection<String> templateBoundingSet, boolean noNewPrivs) {
        BitSet allowed = Capabilities.of(templateBoundingSet);
        List<TaskCredentials> tasks;
        try {
            tasks = TaskCredentials.read(imagesDir);
        } catch (NoSuchFileException e) {
            throw new InvalidArchiveException("not a complete checkpoint archive: checkpoint/"
                    + Path.of(e.getFile()).getFileName() + " is missing", e);
        } catch (IOException | UncheckedIOException | InvalidArchiveException e) {
            throw new InvalidArchiveException("cannot read the credentials of the checkpointed tasks: "
                    + e.getMessage(), e);
        }
        for (TaskCredentials t : tasks) {
            String who = t.image() + ": task " + t.pid() + " (" + t.command() + ")"
                    + (t.tid() == t.pid() ? "" : " thread " + t.tid());
            if (t.sets() == null) {
                throw new InvalidArchiveException(who + " has no credentials; CRIU would restore it with its own");
            }
            for (String set : SETS) {
                BitSet beyond = Capabilities.fromWords(t.sets().get(set));
                beyond.andNot(allowed);
                if (!beyond.isEmpty()) {
                    throw new InvalidArchiveException(who + " claims " + String.join(", ", Capabilities.names(beyond))
                            + " in its " + set + " set, beyond what this host gives a container");
                }
            }
            if (noNewPrivs && t.noNewPrivs() != 1) {
                throw new InvalidArchiveException(who + " does not keep no_new_privs, which this host's containers have");
            }
        }
    }
}
