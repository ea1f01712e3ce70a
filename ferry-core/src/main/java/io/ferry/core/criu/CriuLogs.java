package io.ferry.core.criu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Picks CRIU's own error lines out of its logs, so failures show the real cause. */
public final class CriuLogs {
    private static final int MAX_LINES = 12;

    private CriuLogs() {
    }

    public static List<String> errorLines(Path log) {
        if (log == null || !Files.isRegularFile(log)) {
            return List.of();
        }
        try {
            return errorLines(Files.readString(log, StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            return List.of();
        }
    }

    public static List<String> errorLines(String text) {
        List<String> errors = Arrays.stream(text.split("\n"))
                .filter(l -> l.contains("Error (") || l.startsWith("Error") || l.contains("Error:"))
                // harmless here: the sandbox caps the hard nofile limit (see HOST-RUNTIME.md)
                .filter(l -> !l.contains("Can't setup RLIMIT_NOFILE for self"))
                .map(String::strip)
                .toList();
        return errors.size() <= MAX_LINES ? errors : errors.subList(errors.size() - MAX_LINES, errors.size());
    }
}
