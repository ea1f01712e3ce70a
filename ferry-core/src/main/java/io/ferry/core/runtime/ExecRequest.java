package io.ferry.core.runtime;

import java.util.List;

/**
 * {@code exec [-e K=V] [-w DIR] [-u UID[:GID]] CMD [ARG...]}: a command to run in a running container, in
 * the foreground (processes added by {@code runc exec -d} are not part of a checkpoint). {@code env}: K=V
 * entries added to the container's; {@code workDir}/{@code user}: null for the container's own.
 */
public record ExecRequest(List<String> command, List<String> env, String workDir, String user) {
    public ExecRequest {
        if (command == null || command.isEmpty()) {
            throw new IllegalArgumentException("must provide a non-empty command to start an exec session:"
                    + " invalid argument");
        }
        command = List.copyOf(command);
        env = env == null ? List.of() : List.copyOf(env);
        for (String e : env) {
            if (e.indexOf('=') <= 0) {
                throw new IllegalArgumentException("invalid environment variable \"" + e + "\": use KEY=VALUE");
            }
        }
    }
}
