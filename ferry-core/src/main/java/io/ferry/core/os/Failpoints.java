package io.ferry.core.os;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named points in the engine where a crash test or the chaos suite makes this process fail on purpose,
 * as etcd's gofail does: {@code FERRY_FAILPOINTS} (or {@code -Dferry.failpoints}) lists
 * {@code name=action} pairs, comma-separated. Actions: {@code halt} (the JVM stops at once with status
 * 137, no shutdown hooks, as after kill -9), {@code sleep:MILLIS} (a hang). Unset, a point costs one map
 * lookup. Crash safety is only believable when a crash can be put exactly where it hurts.
 * <p>
 * The points: {@code restore.after-runtime} (the runtime restored the copy, its record still says
 * RESTORING); {@code checkpoint.after-dump} (CRIU dumped and stopped the container, nothing exported yet).
 * {@code transfer.mid-stream} (a target has received the first MiB of a direct transfer, issue 11);
 * {@code transfer.before-staged} (a direct transfer is unpacked whole, not yet recorded as staged);
 * {@code checkpoint.export-kept} (the registry copy of a finalized direct migration is about to be written).
 */
public final class Failpoints {
    private static final Map<String, String> ACTIONS = parse(System.getProperty("ferry.failpoints",
            System.getenv().getOrDefault("FERRY_FAILPOINTS", "")));

    private Failpoints() {
    }

    /** Runs the action configured for {@code name}, if any. */
    public static void reach(String name) {
        String action = ACTIONS.get(name);
        if (action == null) {
            return;
        }
        System.err.println("ferry failpoint " + name + ": " + action);
        if (action.equals("halt")) {
            Runtime.getRuntime().halt(137);
        } else if (action.startsWith("sleep:")) {
            try {
                Thread.sleep(Long.parseLong(action.substring("sleep:".length())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static Map<String, String> parse(String spec) {
        Map<String, String> actions = new LinkedHashMap<>();
        for (String pair : spec.split(",")) {
            String p = pair.strip();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("FERRY_FAILPOINTS: " + p + " is not name=action");
            }
            String action = p.substring(eq + 1);
            if (!action.equals("halt") && !action.matches("sleep:[0-9]{1,9}")) {
                throw new IllegalArgumentException("FERRY_FAILPOINTS: unknown action " + action + " for " + p.substring(0, eq)
                        + " (halt or sleep:MILLIS)");
            }
            actions.put(p.substring(0, eq), action);
        }
        return Map.copyOf(actions);
    }
}
