package io.ferry.core.runtime;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** exec's failures told as Podman tells them: its exit codes and texts, from runc's log lines. */
class ExecFailuresTest {
    @Test
    void aCommandNotFoundIs127AndOneThatCannotBeInvokedIs126() {
        ExecFailedException missing = new ExecFailedException("runc", List.of(RuncRuntime.unquote(
                "\"exec failed: unable to start container process: exec: \\\"x\\\": executable file not found in $PATH\"")));
        assertThat(missing.exitCode()).isEqualTo(127);
        assertThat(missing.getMessage()).isEqualTo("runc: exec failed: unable to start container process: exec: \"x\":"
                + " executable file not found in $PATH: OCI runtime attempted to invoke a command that was not found");

        ExecFailedException denied = new ExecFailedException("runc",
                List.of("exec failed: unable to start container process: exec: \"/etc/x\": permission denied"));
        assertThat(denied.exitCode()).isEqualTo(126);
        assertThat(denied.getMessage()).endsWith("permission denied: OCI permission denied");

        assertThat(new ExecFailedException("runc", List.of("chdir to cwd (\"/nope\") set in config.json failed:"
                + " no such file or directory")).exitCode()).isEqualTo(127);
        assertThat(new ExecFailedException("runc", List.of("something else")).getMessage())
                .isEqualTo("runc: something else: OCI runtime error");
    }
}
