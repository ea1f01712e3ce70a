package io.ferry.core.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * CRIU refuses a task holding file locks with "Some file locks are hold by dumping tasks! You can try
 * --file-locks to dump them.": CRIU's own option, which a Ferry user gives as {@code ferry checkpoint
 * --file-locks} (and, for the restore, {@code ferry restore --file-locks}). Said so, in Ferry's words; a
 * migration's own words are the migration's option ({@link #forMigration}).
 */
public final class FileLockHint {
    static final String HINT = "the container holds file locks: checkpoint it with `ferry checkpoint --file-locks`"
            + " (and restore it with `ferry restore --file-locks`)";
    static final String MIGRATION_HINT = "the container holds file locks: migrate it with file locks"
            + " (`ferry migrate --file-locks`, or \"fileLocks\": true in the request's options)";

    private FileLockHint() {
    }

    static List<String> explain(List<String> criuLines) {
        if (criuLines.stream().noneMatch(l -> l.contains("file locks are hold") || l.contains("--file-locks"))) {
            return criuLines;
        }
        List<String> out = new ArrayList<>(criuLines.size() + 1);
        out.add(HINT);
        out.addAll(criuLines);
        return out;
    }

    /** A checkpoint's failure as a migration tells it: the hint names the migration's option, not the CLI's command. */
    public static String forMigration(String failure) {
        return failure == null ? null : failure.replace(HINT, MIGRATION_HINT);
    }
}
