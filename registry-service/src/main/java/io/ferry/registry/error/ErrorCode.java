package io.ferry.registry.error;

import org.springframework.http.HttpStatus;

/** The OCI Distribution spec's error codes, with the status each is returned with. */
public enum ErrorCode {
    BLOB_UNKNOWN(HttpStatus.NOT_FOUND),
    BLOB_UPLOAD_INVALID(HttpStatus.BAD_REQUEST),
    BLOB_UPLOAD_UNKNOWN(HttpStatus.NOT_FOUND),
    DIGEST_INVALID(HttpStatus.BAD_REQUEST),
    MANIFEST_BLOB_UNKNOWN(HttpStatus.BAD_REQUEST),
    MANIFEST_INVALID(HttpStatus.BAD_REQUEST),
    MANIFEST_UNKNOWN(HttpStatus.NOT_FOUND),
    NAME_INVALID(HttpStatus.BAD_REQUEST),
    NAME_UNKNOWN(HttpStatus.NOT_FOUND),
    SIZE_INVALID(HttpStatus.BAD_REQUEST),
    UNAUTHORIZED(HttpStatus.UNAUTHORIZED),
    DENIED(HttpStatus.FORBIDDEN),
    UNSUPPORTED(HttpStatus.BAD_REQUEST);

    private final HttpStatus status;

    ErrorCode(HttpStatus status) {
        this.status = status;
    }

    public HttpStatus status() {
        return status;
    }
}
