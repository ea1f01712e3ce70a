package io.ferry.core.transfer;

import io.ferry.core.error.FerryException;

/**
 * A direct transfer this host will not take, with the HTTP status that says why: 401 (who sent it is
 * not proven: no, malformed, stale, replayed or forged authorization), 403 (proven, but not allowed:
 * an untrusted signer, a statement for another host or migration), 409 (a transfer of this migration
 * is under way or done), 413 (larger than this host takes).
 */
public class TransferRefusedException extends FerryException {
    private final int status;
    private final String title;

    public TransferRefusedException(int status, String title, String detail) {
        super(detail);
        this.status = status;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }
}
