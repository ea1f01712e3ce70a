package io.ferry.core.tar;

import io.ferry.core.exec.Commands;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Named pipes made on disk: Java cannot create one, coreutils' mkfifo does (like mknod for whiteouts). */
final class Fifos {
    private static final Duration QUICK = Duration.ofSeconds(30);

    private Fifos() {
    }

    /** Creates a FIFO at {@code target} (which must not exist) with {@code permissions} (the 0777 bits). */
    static void create(Path target, int permissions) {
        Commands.check("creating the named pipe " + target,
                List.of("mkfifo", "-m", Integer.toOctalString(permissions), "--", target.toString()), QUICK);
    }
}
