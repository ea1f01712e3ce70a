package io.ferry.registry.storage;

import io.ferry.registry.error.ErrorCode;
import io.ferry.registry.error.RegistryException;

import java.util.regex.Pattern;

/** Content digests: only sha256 is accepted (the algorithm every client uses). */
public final class Digests {
    private static final Pattern SHA256 = Pattern.compile("sha256:[a-f0-9]{64}");

    private Digests() {
    }

    public static boolean isDigest(String s) {
        return s != null && s.contains(":");
    }

    public static String require(String digest) {
        if (digest == null || !SHA256.matcher(digest).matches()) {
            throw new RegistryException(ErrorCode.DIGEST_INVALID, "invalid digest \"" + digest
                    + "\": expected sha256:<64 hex digits>");
        }
        return digest;
    }
}
