package io.ferry.core.checkpoint;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** /proc/PID/status as the stopped-task check reads it, and the message it refuses with. */
class ProcStatusTest {
    private static final String STOPPED = "Name:\tsleep\nUmask:\t0022\nState:\tT (stopped)\nTgid:\t11844\n"
            + "Ngid:\t0\nPid:\t11844\nPPid:\t11829\nTracerPid:\t0\nUid:\t0\t0\t0\t0\nNSpid:\t11844\t7\n";

    @Test
    void aSigstoppedTaskIsStoppedWithItsParentAndContainerPid() {
        ProcStatus s = ProcStatus.parse(STOPPED);

        assertThat(s.stopped()).isTrue();
        assertThat(s.state()).isEqualTo('T');
        assertThat(s.ppid()).isEqualTo(11829);
        assertThat(s.containerPid()).isEqualTo(7);
    }

    @Test
    void aTracingStopIsStoppedAndASleepingTaskIsNot() {
        assertThat(ProcStatus.parse("State:\tt (tracing stop)\nPPid:\t1\nTracerPid:\t42\n").stopped()).isTrue();
        assertThat(ProcStatus.parse("State:\tt (tracing stop)\nTracerPid:\t42\n").tracerPid()).isEqualTo(42);
        assertThat(ProcStatus.parse("State:\tS (sleeping)\nPPid:\t1\n").stopped()).isFalse();
        assertThat(ProcStatus.parse("State:\tD (disk sleep)\n").stopped()).isFalse();
    }

    @Test
    void oddOrMissingFieldsDoNotThrow() {
        ProcStatus s = ProcStatus.parse("garbage\nPPid:\tx\nNSpid:\t\n");
        assertThat(s.stopped()).isFalse();
        assertThat(s.ppid()).isEqualTo(-1);
    }

    @Test
    void theRefusalNamesThePidItsCommandAndWhatToDo() {
        String m = StoppedTasks.message("looper", 11844, ProcStatus.parse(STOPPED), "sleep 1000");

        assertThat(m).isEqualTo("cannot checkpoint container looper: process 11844 (pid 7 in the container)"
                + " \"sleep 1000\" is stopped (SIGSTOP or another stop signal); CRIU cannot dump a stopped task in a"
                + " frozen container (the dump would hang until it times out). To checkpoint, resume it with"
                + " `kill -CONT 11844` on this host (or `kill -CONT 7` inside the container), then checkpoint again");
    }

    /** The command line is the container's own bytes: its control characters never reach the terminal or log raw. */
    @Test
    void theCommandLineIsShownWithItsControlCharactersEscaped() {
        String m = StoppedTasks.message("looper", 11844, ProcStatus.parse(STOPPED),
                "sh\u001b]0;owned\u0007\nINFO checkpoint done \"x\"");

        assertThat(m).doesNotContain("\u001b").doesNotContain("\n").doesNotContain("\u0007")
                .contains("\"sh\\u001b]0;owned\\u0007\\nINFO checkpoint done \\\"x\\\"\"");
    }
}
