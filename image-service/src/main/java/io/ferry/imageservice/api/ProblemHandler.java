package io.ferry.imageservice.api;

import io.ferry.core.error.ConflictException;
import io.ferry.core.error.FerryException;
import io.ferry.core.error.InvalidArchiveException;
import io.ferry.core.error.NotFoundException;
import io.ferry.core.error.RegistryNotAllowedException;
import io.ferry.core.registry.RegistryException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import java.io.UncheckedIOException;

/** Ferry's error vocabulary as RFC 9457 problem details, mapped once. */
@RestControllerAdvice
public class ProblemHandler {

    @ExceptionHandler(NotFoundException.class)
    ProblemDetail notFound(NotFoundException e) {
        return problem(HttpStatus.NOT_FOUND, "Not found", e);
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ProblemDetail invalid(IllegalArgumentException e) {
        return problem(HttpStatus.BAD_REQUEST, "Invalid request", e);
    }

    @ExceptionHandler(ConflictException.class)
    ProblemDetail conflict(ConflictException e) {
        return problem(HttpStatus.CONFLICT, "Conflict", e);
    }

    @ExceptionHandler(RegistryNotAllowedException.class)
    ProblemDetail notAllowed(RegistryNotAllowedException e) {
        return problem(HttpStatus.FORBIDDEN, "Registry not allowed", e);
    }

    @ExceptionHandler(InvalidArchiveException.class)
    ProblemDetail badLayer(InvalidArchiveException e) {
        return problem(HttpStatus.UNPROCESSABLE_CONTENT, "Invalid image content", e);
    }

    @ExceptionHandler(RegistryException.class)
    ProblemDetail registry(RegistryException e) {
        HttpStatus status = e.status() == 404 ? HttpStatus.NOT_FOUND : HttpStatus.BAD_GATEWAY;
        return problem(status, "Registry error", e);
    }

    @ExceptionHandler({FerryException.class, UncheckedIOException.class})
    ProblemDetail failed(RuntimeException e) {
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "Pull failed", e);
    }

    private static ProblemDetail problem(HttpStatus status, String title, Exception e) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, e.getMessage());
        p.setTitle(title);
        return p;
    }
}
