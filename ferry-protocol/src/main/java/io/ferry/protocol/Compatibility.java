package io.ferry.protocol;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one rule for "can this host restore that checkpoint": the same OCI runtime, the same
 * architecture, and a CRIU at least as new (major.minor) as the one that dumped it. The gateway
 * applies it to heartbeats before a migration starts; the engine to an archive's annotations or
 * config before it restores. A null field is unknown and not held against the checkpoint.
 */
public final class Compatibility {

    /** What a checkpoint was made on, or what a host offers. */
    public record Platform(String runtime, String arch, String criuVersion) {
    }

    /** Digits first, as CRIU prints them ("4.2", "4.2.1"); bounded, since it may come from a crafted archive. */
    private static final Pattern VERSION = Pattern.compile("\\d{1,9}(\\.\\d{1,9}){0,3}([-+~][A-Za-z0-9.+~-]{0,31})?");

    private Compatibility() {
    }

    /** Why {@code host} cannot restore a checkpoint made on {@code checkpoint}; empty when it can. */
    public static Optional<String> problem(Platform checkpoint, Platform host) {
        if (checkpoint.runtime() != null && host.runtime() != null && !checkpoint.runtime().equals(host.runtime())) {
            return Optional.of("the checkpoint was made with OCI runtime \"" + checkpoint.runtime()
                    + "\"; this host restores with \"" + host.runtime() + "\"");
        }
        if (checkpoint.arch() != null && host.arch() != null && !checkpoint.arch().equals(host.arch())) {
            return Optional.of("the checkpoint was made on " + checkpoint.arch() + "; this host is " + host.arch());
        }
        if (checkpoint.criuVersion() != null && !VERSION.matcher(checkpoint.criuVersion()).matches()) {
            String shown = checkpoint.criuVersion().length() > 40 ? checkpoint.criuVersion().substring(0, 40) + "..."
                    : checkpoint.criuVersion();
            return Optional.of("the checkpoint names CRIU version \"" + shown + "\", which is not a version");
        }
        if (checkpoint.criuVersion() != null && host.criuVersion() != null
                && !atLeast(host.criuVersion(), checkpoint.criuVersion().replaceFirst("^(\\d+\\.\\d+).*", "$1"))) {
            return Optional.of("the checkpoint was made with CRIU " + checkpoint.criuVersion()
                    + "; this host's CRIU " + host.criuVersion() + " is older");
        }
        return Optional.empty();
    }

    /** Dotted versions compared by their first three numbers ("4.10" is newer than "4.2"). */
    public static boolean atLeast(String version, String minimum) {
        int[] v = parts(version);
        int[] min = parts(minimum);
        for (int i = 0; i < 3; i++) {
            if (v[i] != min[i]) {
                return v[i] > min[i];
            }
        }
        return true;
    }

    private static int[] parts(String version) {
        String[] s = version.split("\\.");
        int[] out = new int[3];
        for (int i = 0; i < Math.min(3, s.length); i++) {
            String digits = s[i].replaceAll("\\D.*", "");
            // versions come from archives and heartbeats: an absurd one compares as huge, it does not throw
            out[i] = digits.isEmpty() ? 0 : digits.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(digits);
        }
        return out;
    }
}
