package io.ferry.registry.error;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** {@code {"errors":[{"code":..., "message":..., "detail":...}]}} as the Distribution spec defines it. */
public record ErrorBody(List<Error> errors) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Error(String code, String message, Object detail) {
    }

    public static ErrorBody of(ErrorCode code, String message, Object detail) {
        return new ErrorBody(List.of(new Error(code.name(), message, detail)));
    }
}
