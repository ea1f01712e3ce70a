package io.ferry.core.registry;

import io.ferry.core.error.FerryException;

/** A registry refused a request or could not be reached; carries the spec error code when it sent one. */
public class RegistryException extends FerryException {
    private final int status;
    private final String code;

    public RegistryException(String message, int status, String code) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public RegistryException(String message, Throwable cause) {
        super(message, cause);
        this.status = -1;
        this.code = null;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
