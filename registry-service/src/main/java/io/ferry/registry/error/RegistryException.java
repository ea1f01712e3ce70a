package io.ferry.registry.error;

import org.springframework.http.HttpStatus;

/** A request the registry refuses, answered with the spec's error body. */
public class RegistryException extends RuntimeException {
    private final ErrorCode code;
    private final HttpStatus status;
    private final Object detail;

    public RegistryException(ErrorCode code, String message) {
        this(code, code.status(), message, null);
    }

    public RegistryException(ErrorCode code, String message, Object detail) {
        this(code, code.status(), message, detail);
    }

    public RegistryException(ErrorCode code, HttpStatus status, String message, Object detail) {
        super(message);
        this.code = code;
        this.status = status;
        this.detail = detail;
    }

    public ErrorCode code() {
        return code;
    }

    public HttpStatus status() {
        return status;
    }

    public Object detail() {
        return detail;
    }
}
