package io.ferry.core.error;

/**
 * Base of Ferry's error vocabulary. Messages are meant for the user (Podman's style:
 * {@code no container with name or ID "x" found}); the CLI maps each subtype to an exit code once,
 * and services map them to problem details once.
 */
public class FerryException extends RuntimeException {
    public FerryException(String message) {
        super(message);
    }

    public FerryException(String message, Throwable cause) {
        super(message, cause);
    }
}
