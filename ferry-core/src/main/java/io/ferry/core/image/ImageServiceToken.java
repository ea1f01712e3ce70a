package io.ferry.core.image;

import io.ferry.core.error.FerryException;
import io.ferry.core.host.Host;
import io.ferry.core.host.StateRoot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The bearer token of a host's image-service: {@code <state root>/image-service.token}, mode 0600 in
 * the root-only state root. image-service makes it at its first start (or uses one the operator put
 * there); the host's other services and operators read it from the same file. Only who can read the
 * host's state root can call the service.
 */
public final class ImageServiceToken {
    public static final String FILE = "image-service.token";
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{32,512}");
    private static final int GROUP_OR_OTHER = 0077;

    private ImageServiceToken() {
    }

    public static Path path(Host host) {
        return host.root().resolve(FILE);
    }

    /** The host's token, made (32 random bytes, base64url) and written 0600 when there is none yet. */
    public static String loadOrCreate(Host host) {
        StateRoot.secure(host);
        Path file = path(host);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            try {
                Path tmp = Files.createTempFile(host.root(), FILE, ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(tmp, token + "\n", StandardCharsets.US_ASCII);
                try {
                    Files.move(tmp, file); // never over a token another process wrote meanwhile
                } catch (FileAlreadyExistsException raced) {
                    Files.delete(tmp);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the image-service token " + file + ": " + e.getMessage(), e);
            }
        }
        return read(file);
    }

    /** The token in {@code file}: a regular file of this user, readable by no one else. */
    public static String read(Path file) {
        try {
            if (Files.isSymbolicLink(file) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new FerryException("the image-service token " + file + " is not a regular file");
            }
            int mode = (Integer) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            int owner = (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            int self = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            if ((mode & GROUP_OR_OTHER) != 0 || owner != self) {
                throw new FerryException("the image-service token " + file + " is readable by others (mode "
                        + Integer.toOctalString(mode & 07777) + ", owner uid " + owner + "): it may have leaked;"
                        + " delete it and restart image-service to make a new one");
            }
            String token = Files.readString(file, StandardCharsets.US_ASCII).strip();
            if (!TOKEN.matcher(token).matches()) {
                throw new FerryException("the image-service token " + file + " is not 32 to 512 characters of"
                        + " [A-Za-z0-9_-]; delete it and restart image-service to make a new one");
            }
            return token;
        } catch (NoSuchFileException e) {
            throw new FerryException("no image-service token at " + file + ": image-service writes it at its first"
                    + " start; is this host's image-service running with the same state root?", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the image-service token " + file + ": " + e.getMessage(), e);
        }
    }
}
