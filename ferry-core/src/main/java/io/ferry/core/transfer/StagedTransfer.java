package io.ferry.core.transfer;

import java.time.Instant;

/**
 * A migration's archive as a direct transfer left it on this host, unpacked and not yet trusted:
 * {@code digest} and {@code size} are of the bytes received (the ciphertext when encrypted), what a
 * restore compares with the digest the source signed. {@code storage}: "memory" (a tmpfs) or "disk".
 */
public record StagedTransfer(String migrationId, String sourceHost, String digest, long size, String storage,
                             String compression, String wrappedKey, Instant receivedAt, String pageServer) {
    public boolean encrypted() {
        return wrappedKey != null;
    }
}
