package io.ferry.core.checkpoint;

/**
 * The lines of {@code /proc/PID/status} a checkpoint looks at: the task's state letter, its parent, its
 * tracer, and its pid inside the container's pid namespace (the last NSpid field).
 */
record ProcStatus(char state, long ppid, long tracerPid, long containerPid) {

    /** "T (stopped)": a job-control stop (SIGSTOP, SIGTSTP...); "t (tracing stop)": held by a debugger. */
    boolean stopped() {
        return state == 'T' || state == 't';
    }

    static ProcStatus parse(String status) {
        char state = '?';
        long ppid = -1;
        long tracer = 0;
        long nsPid = -1;
        for (String line : status.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String value = line.substring(colon + 1).strip();
            switch (line.substring(0, colon)) {
                case "State":
                    state = value.isEmpty() ? '?' : value.charAt(0);
                    break;
                case "PPid":
                    ppid = parseLong(value);
                    break;
                case "TracerPid":
                    tracer = parseLong(value);
                    break;
                case "NSpid":
                    String[] pids = value.split("\\s+");
                    nsPid = parseLong(pids[pids.length - 1]);
                    break;
                default:
                    break;
            }
        }
        return new ProcStatus(state, ppid, tracer, nsPid);
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
