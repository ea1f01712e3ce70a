package io.ferry.bench.chaos;

import java.util.List;
import java.util.Locale;

/**
 * One fault of a run, parsed from {@code kind[:what[:arg]][@stage]}:
 * {@code none}; {@code kill:SERVICE} (kill -9, then restart with the same argv and env);
 * {@code stop:SERVICE[:SECONDS]} (SIGSTOP, SIGCONT after SECONDS); {@code linkdown:source|target[:SECONDS]}
 * (the host's veth down); {@code race:same-id|no-id} (two POSTs at once); {@code failpoint:SERVICE:POINT}
 * (the service restarted with FERRY_FAILPOINTS=POINT=halt before the request, restarted plain once it
 * halted). SERVICE: gateway, registry, or source-/target- + image|checkpoint|restore (the run's hosts).
 * STAGE: requested, checkpointing, dumped, uploading, restoring, finalizing; random by seed when absent.
 */
record Fault(String kind, String what, String arg, String stage) {
    static final List<String> STAGES = List.of("requested", "checkpointing", "dumped", "uploading", "restoring", "finalizing");
    static final List<String> KINDS = List.of("none", "kill", "stop", "linkdown", "race", "failpoint");

    /**
     * The default campaign: every service killed, hangs, the target's link down, races, a crash at each
     * engine failpoint (the instants a stage-watching kill rarely hits), and a control.
     */
    static final String DEFAULT = "none,kill:gateway,kill:registry,kill:source-checkpoint,kill:source-image,"
            + "kill:target-restore,kill:target-image,stop:target-restore,stop:source-checkpoint,stop:gateway,"
            + "linkdown:target,race:same-id,race:no-id,failpoint:target-restore:restore.after-runtime,"
            + "failpoint:source-checkpoint:checkpoint.after-dump";

    static Fault parse(String spec, int defaultSeconds) {
        String s = spec.strip();
        String stage = null;
        int at = s.indexOf('@');
        if (at >= 0) {
            stage = s.substring(at + 1).toLowerCase(Locale.ROOT);
            s = s.substring(0, at);
            if (!STAGES.contains(stage)) {
                throw new IllegalArgumentException("unknown stage " + stage + " in " + spec + " (" + STAGES + ")");
            }
        }
        String[] p = s.split(":", 3);
        String kind = p[0];
        if (!KINDS.contains(kind)) {
            throw new IllegalArgumentException("unknown fault " + spec + " (kinds " + KINDS + ")");
        }
        String what = p.length > 1 ? p[1] : null;
        String arg = p.length > 2 ? p[2] : null;
        switch (kind) {
            case "kill", "stop", "failpoint" -> {
                if (what == null || !what.matches("gateway|registry|(source|target)-(image|checkpoint|restore)")) {
                    throw new IllegalArgumentException(spec + ": name a service: gateway, registry, source-|target-image|checkpoint|restore");
                }
                if (kind.equals("failpoint") && arg == null) {
                    throw new IllegalArgumentException(spec + ": failpoint:SERVICE:POINT");
                }
            }
            case "linkdown" -> {
                if (what == null || !what.matches("source|target")) {
                    throw new IllegalArgumentException(spec + ": linkdown:source or linkdown:target");
                }
            }
            case "race" -> {
                if (what == null || !what.matches("same-id|no-id")) {
                    throw new IllegalArgumentException(spec + ": race:same-id or race:no-id");
                }
            }
            default -> {
            }
        }
        if ((kind.equals("stop") || kind.equals("linkdown")) && arg == null) {
            arg = Integer.toString(defaultSeconds);
        }
        return new Fault(kind, what, arg, stage);
    }

    boolean staged() {
        return kind.equals("kill") || kind.equals("stop") || kind.equals("linkdown");
    }

    Fault at(String s) {
        return new Fault(kind, what, arg, s);
    }

    /** The topology's service key for this run's hosts (e.g. target-restore -> chaos-b-restore). */
    String serviceKey(String source, String target) {
        if (what.equals("gateway") || what.equals("registry")) {
            return what;
        }
        return (what.startsWith("source-") ? source : target) + what.substring(what.indexOf('-'));
    }

    @Override
    public String toString() {
        return kind + (what == null ? "" : ":" + what) + (arg == null ? "" : ":" + arg) + (stage == null ? "" : "@" + stage);
    }
}
