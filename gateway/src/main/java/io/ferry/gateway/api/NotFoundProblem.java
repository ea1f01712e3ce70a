package io.ferry.gateway.api;

/** An id the API does not know; answered with 404. */
public class NotFoundProblem extends RuntimeException {
    public NotFoundProblem(String message) {
        super(message);
    }
}
