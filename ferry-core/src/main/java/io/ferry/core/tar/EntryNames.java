package io.ferry.core.tar;

import io.ferry.core.error.InvalidArchiveException;
import io.ferry.protocol.Identifiers;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Validates and normalizes archive entry names: relative, no "..", no NUL, and within Linux's limits
 * (255 bytes a component, 4096 a path), so a name the kernel would refuse is refused by name here
 * rather than failing later as an I/O error.
 */
public final class EntryNames {
    private static final int MAX_COMPONENT_BYTES = 255;
    private static final int MAX_PATH_BYTES = 4096;

    private EntryNames() {
    }

    /** "./a//b/" -> "a/b"; "" for the root; rejects absolute names and any ".." segment. */
    public static String normalize(String name) {
        if (name.indexOf('\0') >= 0) {
            throw new InvalidArchiveException("archive entry name contains a NUL byte");
        }
        if (name.startsWith("/")) {
            throw new InvalidArchiveException("archive entry \"" + name + "\" has an absolute path");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
            throw new InvalidArchiveException("archive entry name is longer than " + MAX_PATH_BYTES + " bytes ("
                    + Identifiers.quote(name) + ")");
        }
        List<String> parts = new ArrayList<>();
        for (String part : name.split("/")) {
            if (part.getBytes(StandardCharsets.UTF_8).length > MAX_COMPONENT_BYTES) {
                throw new InvalidArchiveException("archive entry " + Identifiers.quote(name) + " has a name component"
                        + " longer than " + MAX_COMPONENT_BYTES + " bytes");
            }
            if (part.equals("..")) {
                throw new InvalidArchiveException("archive entry \"" + name + "\" escapes the extraction directory (..)");
            }
            if (!part.isEmpty() && !part.equals(".")) {
                parts.add(part);
            }
        }
        return String.join("/", parts);
    }
}
