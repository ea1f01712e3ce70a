package io.ferry.cli;

import io.ferry.core.error.FerryException;
import io.ferry.protocol.Identifiers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Map;

/**
 * What the user reads after "Error: ". Ferry's own errors and invalid input carry messages written
 * for the user; a file-system failure is said in words; anything else is a bug, and Java's text for it
 * (class names, "Cannot invoke ...") is no message: it is shown only with FERRY_DEBUG=1. Whatever
 * the message quotes stays on one line.
 */
final class ErrorMessages {
    static final String INTERNAL = "internal error (a bug in ferry); run again with FERRY_DEBUG=1 to see where it happened";

    private ErrorMessages() {
    }

    /** One line: control characters from hostile input (an entry name, a reply) are shown escaped. */
    static String of(Exception e) {
        return Identifiers.escape(raw(e));
    }

    private static String raw(Exception e) {
        if (e instanceof FerryException || e instanceof IllegalArgumentException) {
            return e.getMessage() == null ? INTERNAL : e.getMessage();
        }
        if (e instanceof UncheckedIOException u) {
            return io(u.getCause());
        }
        if (e instanceof IOException io) {
            return io(io);
        }
        return INTERNAL;
    }

    private static String io(IOException e) {
        if (e instanceof NoSuchFileException f) {
            return "no such file or directory: " + f.getFile();
        }
        if (e instanceof AccessDeniedException f) {
            return "permission denied: " + f.getFile();
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getFile() == null ? f.getReason() : f.getFile() + ": " + f.getReason();
        }
        return e.getMessage() == null ? INTERNAL : "I/O error: " + e.getMessage();
    }

    /** FERRY_DEBUG set to anything but empty or 0. */
    static boolean debug(Map<String, String> env) {
        String v = env.get("FERRY_DEBUG");
        return v != null && !v.isEmpty() && !v.equals("0");
    }
}
