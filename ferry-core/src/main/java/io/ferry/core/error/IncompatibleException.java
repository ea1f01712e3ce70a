package io.ferry.core.error;

/** The archive cannot be restored on this host: runtime, CRIU image format or CPU do not match. */
public class IncompatibleException extends FerryException {
    public IncompatibleException(String message) {
        super(message);
    }
}
