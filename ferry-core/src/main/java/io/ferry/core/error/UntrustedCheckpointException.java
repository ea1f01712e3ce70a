package io.ferry.core.error;

/**
 * A checkpoint archive whose signature is missing, made by a key this host does not trust, or made
 * for another host, migration or archive. Nothing of it was extracted. An {@link InvalidArchiveException}
 * (the CLI's exit code 5): the archive is not one this host may restore.
 */
public class UntrustedCheckpointException extends InvalidArchiveException {
    public UntrustedCheckpointException(String message) {
        super(message);
    }
}
