package io.ferry.protocol;

import java.util.regex.Pattern;

/**
 * The one definition of the identifiers that arrive from outside (an archive's config.dump, an image
 * manifest, a registry, a Kafka message, the command line). Each check returns the value when it is
 * valid and otherwise throws IllegalArgumentException naming the field and showing the value escaped,
 * so a hostile value can neither become a path nor forge a line where the message is printed.
 *
 * <p>Names follow Podman's rule {@code [a-zA-Z0-9][a-zA-Z0-9_.-]*}, bounded at {@value #MAX_NAME}
 * characters: the bound Ferry already applied to names and image tags (the OCI distribution spec's tag
 * limit), well under a file name's 255 bytes, and long enough for any name a person types.
 */
public final class Identifiers {
    public static final int MAX_NAME = 128;
    /** Shown of a refused value: enough to recognise it, not enough to flood a terminal or a log line. */
    static final int SHOWN = 80;

    private static final Pattern HEX_ID = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0," + (MAX_NAME - 1) + "}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    /** What the gateway accepts for a migration id (its REST rule; a UUID matches it). */
    private static final Pattern MIGRATION_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** Host ids, as io.ferry.core.host.Host defines them (they become netns names and cgroup paths). */
    private static final Pattern HOST_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,23}");
    /** Message ids derive from a migration id plus "/kind" steps: printable, no spaces, bounded. */
    private static final Pattern MESSAGE_ID = Pattern.compile("[A-Za-z0-9._:/-]{1,512}");
    /** Where an archive is ({@code registry://host:port/repo:tag}): the characters of a reference, bounded. */
    private static final Pattern REFERENCE = Pattern.compile("[A-Za-z0-9._:/@\\[\\]-]{1,512}");

    private Identifiers() {
    }

    /** A container id: 64 lowercase hex digits. */
    public static String containerId(String field, String value) {
        return check(field, value, HEX_ID, "must be 64 lowercase hex digits");
    }

    /** An image id (the hex of its config digest, or of its layers for an imported one): 64 lowercase hex digits. */
    public static String imageId(String field, String value) {
        return check(field, value, HEX_ID, "must be 64 lowercase hex digits");
    }

    /** A container name: Podman's rule, at most {@value #MAX_NAME} characters. */
    public static String name(String field, String value) {
        return check(field, value, NAME, "must match [a-zA-Z0-9][a-zA-Z0-9_.-]* and be at most " + MAX_NAME
                + " characters");
    }

    /** A volume name: the same rule as a container name. */
    public static String volumeName(String field, String value) {
        return name(field, value);
    }

    /**
     * What a user or a message may name a container by: a name, a full id or an id prefix (ids are
     * hex, so both fit the name rule).
     */
    public static String nameOrId(String field, String value) {
        return name(field, value);
    }

    /** A content digest: {@code sha256:} and 64 lowercase hex digits (the only algorithm Ferry accepts). */
    public static String digest(String field, String value) {
        return check(field, value, DIGEST, "must be sha256: followed by 64 lowercase hex digits");
    }

    public static String migrationId(String field, String value) {
        return check(field, value, MIGRATION_ID, "must be 1-64 letters, digits, '.', '_' or '-', starting with a"
                + " letter or digit");
    }

    public static String hostId(String field, String value) {
        return check(field, value, HOST_ID, "must be 1-24 lower-case letters, digits, '-' or '_', starting with a"
                + " letter or digit");
    }

    public static String messageId(String field, String value) {
        return check(field, value, MESSAGE_ID, "must be 1-512 letters, digits, '.', '_', ':', '/' or '-'");
    }

    /** An archive or image location as messages carry it; the engine parses it fully before use. */
    public static String reference(String field, String value) {
        return check(field, value, REFERENCE, "must be a registry reference of at most 512 characters");
    }

    public static boolean isContainerId(String value) {
        return value != null && HEX_ID.matcher(value).matches();
    }

    public static boolean isName(String value) {
        return value != null && NAME.matcher(value).matches();
    }

    public static boolean isDigest(String value) {
        return value != null && DIGEST.matcher(value).matches();
    }

    private static String check(String field, String value, Pattern rule, String expected) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is missing");
        }
        if (!rule.matcher(value).matches()) {
            throw new IllegalArgumentException("invalid " + field + " " + quote(value) + ": " + expected);
        }
        return value;
    }

    /**
     * The value in double quotes with every control character escaped (so it cannot forge a line or
     * a terminal sequence), cut after {@value #SHOWN} characters with its length.
     */
    public static String quote(String value) {
        if (value == null) {
            return "null";
        }
        String shown = value.length() > SHOWN ? value.substring(0, SHOWN) : value;
        String cut = value.length() > SHOWN ? "…(" + value.length() + " characters)" : "";
        return "\"" + escape(shown.replace("\\", "\\\\").replace("\"", "\\\"")) + "\"" + cut;
    }

    /** Control characters (C0, DEL, C1, line and paragraph separators) as visible escapes; everything else as is. */
    public static String escape(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || c == '\u202e'
                            || Character.getType(c) == Character.FORMAT) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
