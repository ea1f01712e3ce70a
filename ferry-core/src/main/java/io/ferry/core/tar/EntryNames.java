package io.ferry.core.tar;

import io.ferry.core.error.InvalidArchiveException;

import java.util.ArrayList;
import java.util.List;

/** Validates and normalizes archive entry names: relative, no "..", no NUL. */
public final class EntryNames {
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
        List<String> parts = new ArrayList<>();
        for (String part : name.split("/")) {
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
