package io.ferry.gateway.api;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

/**
 * {@code POST /api/migrations}. {@code id} is optional: a client that sends one can retry safely
 * (a second request with the same id starts nothing). {@code transfer}: {@code direct} (the default: the
 * source streams the checkpoint straight to the target when the target offers it) or {@code registry}.
 * {@code postCopy} (default false: stop-and-copy): the
 * target runs the container at once and fetches its memory pages from the source afterwards; shorter downtime,
 * state TRANSFERRING_PAGES until every page arrived. A transfer that breaks off removes the target's copy and
 * resumes the source's (held paused): ROLLED_BACK; only a source host that fails itself loses the container
 * (FAILED). Needs feature "post-copy" on both hosts and the direct transfer; refused with keep or transfer
 * registry (422). The pages travel unencrypted from CRIU's page server: a network only the hosts share.
 * Issue 12: {@code tcpEstablished} with {@code newName} is refused (422, Podman's "--tcp-established cannot be used
 * with --name"); so is a container with an address whose target is not on its network or has the address in use.
 * {@code fileLocks} (default false): Podman's --file-locks, checkpoint and restore the container's file locks
 * (CRIU refuses a container holding one without it); with postCopy too (the locks travel in the archive, the pages after).
 */
public record MigrationRequest(
        @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}", message = "must be 1-64 letters, digits, '.', '_' or '-'")
        String id,
        @NotBlank(message = "is required: the name or id of the container to move")
        @Pattern(regexp = "[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}", message = "is not a valid container name or id")
        String container,
        @NotBlank(message = "is required") @Pattern(regexp = "[a-z0-9][a-z0-9_-]{0,23}", message = "is not a valid host id")
        String sourceHost,
        @NotBlank(message = "is required") @Pattern(regexp = "[a-z0-9][a-z0-9_-]{0,23}", message = "is not a valid host id")
        String targetHost,
        Boolean keep,
        Boolean tcpEstablished,
        @Pattern(regexp = "[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}", message = "is not a valid container name")
        String newName,
        @Pattern(regexp = "(?i)direct|registry", message = "must be direct or registry")
        String transfer,
        Boolean postCopy,
        Boolean fileLocks) {
}
