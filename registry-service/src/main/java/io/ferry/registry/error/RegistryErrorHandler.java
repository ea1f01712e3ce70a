package io.ferry.registry.error;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Maps refusals to spec-shaped error bodies, once for the whole API. */
@RestControllerAdvice
public class RegistryErrorHandler {

    @ExceptionHandler(RegistryException.class)
    ResponseEntity<ErrorBody> refused(RegistryException e) {
        return ResponseEntity.status(e.status()).contentType(MediaType.APPLICATION_JSON)
                .body(ErrorBody.of(e.code(), e.getMessage(), e.detail()));
    }
}
