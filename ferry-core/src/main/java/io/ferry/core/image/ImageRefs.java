package io.ferry.core.image;

import java.util.regex.Pattern;

/** Image references as users type them: "busybox" means "busybox:latest". */
public final class ImageRefs {
    private static final Pattern REF = Pattern.compile(
            // [host[:port]/]path[:tag][@digest]; a colon only before a port (followed by a path: "name:123" is
            // a tag, bounded as one) or a tag of at most 128 characters
            "[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]{1,5}(?=/))?(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[\\w][\\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?");

    private ImageRefs() {
    }

    public static String normalize(String ref) {
        if (ref == null || ref.isBlank() || !REF.matcher(ref).matches()) {
            throw new IllegalArgumentException("invalid image reference \"" + ref + "\"");
        }
        if (ref.contains("@")) {
            return ref;
        }
        String last = ref.substring(ref.lastIndexOf('/') + 1);
        return last.contains(":") ? ref : ref + ":latest";
    }
}
