package io.ferry.core.error;

/** A checkpoint archive or image tarball is malformed, truncated, unsafe or too large. */
public class InvalidArchiveException extends FerryException {
    public InvalidArchiveException(String message) {
        super(message);
    }

    public InvalidArchiveException(String message, Throwable cause) {
        super(message, cause);
    }
}
