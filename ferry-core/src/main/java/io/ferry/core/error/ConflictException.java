package io.ferry.core.error;

/** The request clashes with existing state: a name in use, a volume that exists, a running container. */
public class ConflictException extends FerryException {
    public ConflictException(String message) {
        super(message);
    }
}
