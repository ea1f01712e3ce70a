package io.ferry.registry.error;

import io.ferry.core.json.Json;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import java.io.IOException;

/** Maps refusals to spec-shaped error bodies, once for the whole API. */
@RestControllerAdvice
public class RegistryErrorHandler {

    @ExceptionHandler(RegistryException.class)
    ResponseEntity<ErrorBody> refused(RegistryException e) {
        return ResponseEntity.status(e.status()).contentType(MediaType.APPLICATION_JSON)
                .body(ErrorBody.of(e.code(), e.getMessage(), e.detail()));
    }

    /** The same answer from a servlet filter, before any controller runs. */
    public static void write(HttpServletResponse response, RegistryException e) throws IOException {
        response.setStatus(e.status().value());
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.getOutputStream().write(Json.bytes(ErrorBody.of(e.code(), e.getMessage(), e.detail())));
    }
}
