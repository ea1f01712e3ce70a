package io.ferry.core.error;

/**
 * An archive, or a command about one, names a registry this host does not pull from (CLI exit 5,
 * as any archive it refuses; image-service answers 403).
 */
public class RegistryNotAllowedException extends InvalidArchiveException {
    public RegistryNotAllowedException(String message) {
        super(message);
    }
}
