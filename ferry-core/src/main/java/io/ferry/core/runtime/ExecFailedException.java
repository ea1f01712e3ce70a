package io.ferry.core.runtime;

import io.ferry.core.error.ToolFailedException;

import java.util.List;

/**
 * The runtime could not start an exec'd command. {@link #exitCode()} is Podman's for it: 127 when the
 * command was not found, 126 when it could not be invoked (not executable, permission denied).
 */
public final class ExecFailedException extends ToolFailedException {
    public static final int NOT_FOUND = 127;
    public static final int CANNOT_INVOKE = 126;

    private final int exitCode;

    public ExecFailedException(String message, List<String> runtimeLines) {
        super(message, runtimeLines);
        this.exitCode = exitCodeOf(runtimeLines);
    }

    /** As Podman's define.ExitCode: "not found" or "no such file" in the runtime's error is 127, else 126. */
    static int exitCodeOf(List<String> runtimeLines) {
        String all = String.join("\n", runtimeLines).toLowerCase(java.util.Locale.ROOT);
        return all.contains("not found") || all.contains("no such file") ? NOT_FOUND : CANNOT_INVOKE;
    }

    public int exitCode() {
        return exitCode;
    }
}
