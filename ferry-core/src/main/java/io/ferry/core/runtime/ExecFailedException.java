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

    /** One line, as Podman says it: {@code runc: <runc's error>: OCI runtime attempted to invoke a command that was not found}. */
    public ExecFailedException(String runtime, List<String> runtimeLines) {
        super(runtime + ": " + (runtimeLines.isEmpty() ? "exec failed" : runtimeLines.get(runtimeLines.size() - 1))
                + ": " + reason(exitCodeOf(runtimeLines), runtimeLines), List.of());
        this.exitCode = exitCodeOf(runtimeLines);
    }

    /** Podman's libpod/define/errors.go texts. */
    private static String reason(int exitCode, List<String> runtimeLines) {
        if (exitCode == NOT_FOUND) {
            return "OCI runtime attempted to invoke a command that was not found";
        }
        return String.join("\n", runtimeLines).contains("permission denied") ? "OCI permission denied" : "OCI runtime error";
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
