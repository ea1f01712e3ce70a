package io.ferry.core.registry;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An image or artifact reference in a registry: {@code host[:port]/repo/path[:tag][@sha256:...]}.
 * {@code registry://} in front (Ferry's archive URLs) is accepted and dropped.
 */
public record Reference(String registry, String repository, String tag, String digest) {
    private static final Pattern REF = Pattern.compile(
            "(?<registry>[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::\\d+)?|\\[[0-9a-fA-F:]+\\](?::\\d+)?)/"
                    + "(?<repo>[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*)"
                    + "(?::(?<tag>[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}))?(?:@(?<digest>sha256:[a-f0-9]{64}))?");
    public static final String SCHEME = "registry://";

    public static boolean isRegistryUrl(String s) {
        return s != null && s.startsWith(SCHEME);
    }

    /** True when the first path component names a registry host (has a dot or port, or is localhost). */
    public static boolean hasRegistry(String ref) {
        int slash = ref.indexOf('/');
        if (slash < 0) {
            return false;
        }
        String first = ref.substring(0, slash);
        return first.contains(".") || first.contains(":") || first.equals("localhost") || first.startsWith("[");
    }

    public static Reference parse(String text) {
        String ref = text.startsWith(SCHEME) ? text.substring(SCHEME.length()) : text;
        Matcher m = REF.matcher(ref);
        if (!m.matches() || !hasRegistry(ref)) {
            throw new IllegalArgumentException("invalid registry reference \"" + text
                    + "\": use HOST[:PORT]/REPOSITORY[:TAG][@sha256:DIGEST]");
        }
        String tag = m.group("tag");
        String digest = m.group("digest");
        return new Reference(m.group("registry"), m.group("repo"), tag == null && digest == null ? "latest" : tag, digest);
    }

    /** The tag or digest to ask the registry for (the digest wins when both are given). */
    public String reference() {
        return digest != null ? digest : tag;
    }

    @Override
    public String toString() {
        return registry + "/" + repository + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }
}
