package io.ferry.core.tar;

import io.ferry.core.exec.Commands;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The directories of an overlay layer (upper or lower) marked {@code trusted.overlay.opaque=y}: a
 * directory deleted and created again, which hides everything below it in the layers underneath.
 * Read with getfattr (attr package): Java cannot read the trusted xattr namespace.
 */
public final class OpaqueDirs {
    private static final Duration QUICK = Duration.ofSeconds(60);
    private static final String FILE = "# file: ";

    private OpaqueDirs() {
    }

    /** Paths relative to {@code layer} ("" for the layer itself), never following a symbolic link. */
    public static Set<String> in(Path layer) {
        Set<String> opaque = new HashSet<>();
        if (!Files.isDirectory(layer)) {
            return opaque;
        }
        Path root = layer.toAbsolutePath().normalize();
        String out = Commands.check("reading the overlay's opaque directories in " + layer,
                List.of("getfattr", "-R", "-P", "--absolute-names", "-d", "-m", "^trusted\\.overlay\\.opaque$",
                        root.toString()), QUICK).stdout();
        String file = null;
        for (String line : out.split("\n")) {
            if (line.startsWith(FILE)) {
                file = unescape(line.substring(FILE.length()));
            } else if (file != null && line.equals("trusted.overlay.opaque=\"y\"")) {
                opaque.add(root.relativize(Path.of(file)).toString());
            }
        }
        return opaque;
    }

    /** getfattr writes bytes outside printable ASCII, and the backslash, as \ooo. */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && isOctal(s, i + 1, 3)) {
                bytes.write(Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(b, 0, b.length);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static boolean isOctal(String s, int from, int n) {
        if (from + n > s.length()) {
            return false;
        }
        for (int i = from; i < from + n; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '7') {
                return false;
            }
        }
        return true;
    }
}
