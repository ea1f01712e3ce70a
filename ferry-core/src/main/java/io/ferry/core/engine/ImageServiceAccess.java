package io.ferry.core.engine;

import io.ferry.core.host.Host;
import io.ferry.core.image.ImageServiceToken;

import java.nio.file.Path;

/**
 * Who may call a host's image-service: whoever can read its token, made on first use (0600 in the
 * host's state root): the host's own services and its root operators. Image-service checks it here.
 */
public final class ImageServiceAccess {
    private ImageServiceAccess() {
    }

    public static String token(Host host) {
        return ImageServiceToken.loadOrCreate(host);
    }

    public static Path tokenFile(Host host) {
        return ImageServiceToken.path(host);
    }
}
