package io.ferry.core.archive;

import io.ferry.core.tar.OpaqueDirs;
import io.ferry.core.tar.Whiteouts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A container image's layers as overlayfs merges them below the container's writable layer: a
 * whiteout or a non-directory hides the same path in the layers under it, and so does an opaque
 * directory for everything inside it. Never follows a symbolic link in a layer.
 */
final class LowerLayers {
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

    private enum Found { MISSING, DIRECTORY, OTHER }

    private final List<Path> topFirst;
    private final Map<Path, Set<String>> opaque = new HashMap<>();

    LowerLayers(List<Path> topFirst) {
        this.topFirst = topFirst;
    }

    /** The names the merged layers show inside directory {@code rel} ("" is the root). */
    Set<String> children(String rel) {
        Set<String> names = new LinkedHashSet<>();
        Set<String> hidden = new HashSet<>();
        for (Path layer : topFirst) {
            Found found = find(layer, rel);
            if (found == Found.OTHER) {
                break;
            }
            if (found == Found.DIRECTORY) {
                try (DirectoryStream<Path> dir = Files.newDirectoryStream(layer.resolve(rel))) {
                    for (Path child : dir) {
                        String name = child.getFileName().toString();
                        if (Whiteouts.isOverlayWhiteout(child)) {
                            hidden.add(name);
                        } else if (!hidden.contains(name)) {
                            names.add(name);
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            if (opaqueOnPath(layer, rel)) {
                break;
            }
        }
        return names;
    }

    /** Whether the merged layers show a directory at {@code rel}. */
    boolean isDirectory(String rel) {
        for (Path layer : topFirst) {
            Found found = find(layer, rel);
            if (found != Found.MISSING) {
                return found == Found.DIRECTORY;
            }
            if (opaqueOnPath(layer, rel)) {
                return false;
            }
        }
        return false;
    }

    /** What this one layer holds at rel: a whiteout, file or link on the way counts as OTHER. */
    private Found find(Path layer, String rel) {
        Path p = layer;
        try {
            for (String part : rel.isEmpty() ? new String[0] : rel.split("/")) {
                if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                    throw new IllegalArgumentException("refusing layer path \"" + rel + "\": it is not a clean relative path");
                }
                if (!Files.isDirectory(p, NOFOLLOW)) {
                    return Found.OTHER;
                }
                p = p.resolve(part);
                if (!Files.exists(p, NOFOLLOW)) {
                    return Found.MISSING;
                }
                if (Whiteouts.isOverlayWhiteout(p)) {
                    return Found.OTHER;
                }
            }
            return Files.isDirectory(p, NOFOLLOW) ? Found.DIRECTORY : Found.OTHER;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether rel or one of its parents is an opaque directory in this layer (hiding the layers below). */
    private boolean opaqueOnPath(Path layer, String rel) {
        Set<String> dirs = opaque.computeIfAbsent(layer, OpaqueDirs::in);
        if (dirs.isEmpty()) {
            return false;
        }
        List<String> prefixes = new ArrayList<>();
        StringBuilder prefix = new StringBuilder();
        for (String part : rel.isEmpty() ? new String[0] : rel.split("/")) {
            prefix.append(prefix.isEmpty() ? "" : "/").append(part);
            prefixes.add(prefix.toString());
        }
        return prefixes.stream().anyMatch(dirs::contains);
    }
}
