package io.ferry.registry.route;

/**
 * The one spelling of a request path the registry accepts. Tomcat and Spring decode
 * percent-escapes, drop ";" parameters and resolve dot segments at different stages, so a path
 * written any other way could be authorized as one thing and routed as another; it is refused
 * instead of normalized. Every name, tag, digest and upload id of the API fits in these characters.
 */
public final class CanonicalPath {
    static final int MAX_LENGTH = 2048;

    private CanonicalPath() {
    }

    /** Why {@code raw} (the request target's path, undecoded) is not canonical; null when it is. */
    public static String problem(String raw) {
        if (raw == null || raw.isEmpty() || raw.charAt(0) != '/') {
            return "it does not start with /";
        }
        if (raw.length() > MAX_LENGTH) {
            return "it is longer than " + MAX_LENGTH + " characters";
        }
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (!allowed(c)) {
                return switch (c) {
                    case '%' -> "it holds a percent-encoded character";
                    case ';' -> "it holds a ';' parameter";
                    case '\\' -> "it holds a backslash";
                    default -> "it holds the character " + (c < 0x21 || c > 0x7e ? String.format("U+%04X", (int) c) : "'" + c + "'");
                };
            }
        }
        if (raw.contains("//")) {
            return "it holds an empty segment (//)";
        }
        for (String segment : raw.substring(1).split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return "it holds a '" + segment + "' segment";
            }
        }
        String first = raw.substring(1).split("/", -1)[0];
        if (first.equalsIgnoreCase("v2") && !first.equals("v2")) {
            return "the API is at /v2, in lower case";
        }
        return null;
    }

    private static boolean allowed(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '/' || c == '.' || c == '_' || c == '-' || c == ':' || c == '+';
    }
}
