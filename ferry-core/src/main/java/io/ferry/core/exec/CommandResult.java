package io.ferry.core.exec;

import java.util.Arrays;
import java.util.List;

/** What a finished external command left behind. */
public record CommandResult(List<String> command, int exitCode, String stdout, String stderr) {

    public boolean ok() {
        return exitCode == 0;
    }

    /** Non-blank stderr lines (or stdout's when stderr is empty), for error messages. */
    public List<String> errorLines() {
        String text = stderr.isBlank() ? stdout : stderr;
        return Arrays.stream(text.split("\n")).map(String::strip).filter(l -> !l.isEmpty()).toList();
    }
}
