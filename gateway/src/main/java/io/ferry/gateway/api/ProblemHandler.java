package io.ferry.gateway.api;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

import java.util.List;
import java.util.Map;

/** The API's errors as RFC 9457 problem details: 400 names the field, 404 the id, 409 the reason. */
@RestControllerAdvice
public class ProblemHandler {

    @ExceptionHandler(MethodArgumentNotValidException.class)
    ProblemDetail invalid(MethodArgumentNotValidException e) {
        List<Map<String, String>> errors = e.getBindingResult().getFieldErrors().stream()
                .map(f -> Map.of("field", f.getField(), "message", String.valueOf(f.getDefaultMessage()))).toList();
        FieldError first = e.getBindingResult().getFieldErrors().get(0);
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, first.getField() + " " + first.getDefaultMessage());
        p.setTitle("Invalid request");
        p.setProperty("errors", errors);
        return p;
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ProblemDetail badParameter(MethodArgumentTypeMismatchException e) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getName() + " has an invalid value \""
                + e.getValue() + "\"");
        p.setTitle("Invalid request");
        p.setProperty("errors", List.of(Map.of("field", e.getName(), "message", "invalid value")));
        return p;
    }

    @ExceptionHandler(NotFoundProblem.class)
    ProblemDetail notFound(NotFoundProblem e) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
        p.setTitle("Not found");
        return p;
    }

    @ExceptionHandler(ConflictProblem.class)
    ProblemDetail conflict(ConflictProblem e) {
        boolean options = e instanceof UnsupportedOptionsProblem;
        ProblemDetail p = ProblemDetail.forStatusAndDetail(options ? HttpStatus.UNPROCESSABLE_ENTITY : HttpStatus.CONFLICT,
                e.getMessage());
        p.setTitle(options ? "Options refused" : "Refused");
        if (e.migration() != null) {
            p.setProperty("migration", e.migration());
        }
        if (e.runningMigration() != null) {
            p.setProperty("runningMigration", e.runningMigration());
        }
        return p;
    }
}
