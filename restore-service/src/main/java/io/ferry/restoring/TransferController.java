package io.ferry.restoring;

import io.ferry.core.engine.FerryEngine;
import io.ferry.core.error.FerryException;
import io.ferry.core.transfer.DirectTransfer;
import io.ferry.core.transfer.StagedTransfer;
import io.ferry.core.transfer.StagedTransfers;
import io.ferry.core.transfer.TransferRefusedException;
import io.ferry.core.transfer.TransferStatement;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Map;

/**
 * {@code PUT /transfers/{migrationId}}: a source host streams a migration's archive straight here
 * (issue 11). Only the source itself may: the {@value TransferStatement#HEADER} header must carry its
 * signed statement for this migration and this host (401/403 otherwise, before a byte of the body is
 * read). The body is hashed, decrypted, decompressed and unpacked as it arrives into the migration's
 * staging; the answer (201) says the digest and size of the bytes received. Nothing of it runs until
 * the migration's RestoreCommand vouches for that digest with the source's signature.
 */
@RestController
public class TransferController {
    private static final Logger log = LoggerFactory.getLogger(TransferController.class);
    private final FerryEngine engine;
    private final TransferProperties properties;

    public TransferController(FerryEngine engine, TransferProperties properties) {
        this.engine = engine;
        this.properties = properties;
    }

    @PutMapping("/transfers/{migrationId}")
    public ResponseEntity<?> receive(@PathVariable String migrationId, HttpServletRequest request) {
        try {
            TransferStatement from = engine.transfers().authenticate(request.getHeader(TransferStatement.HEADER), migrationId);
            StagedTransfers.Announced announced = new StagedTransfers.Announced(
                    longHeader(request, DirectTransfer.EXPANDED_BYTES), request.getHeader(DirectTransfer.COMPRESSION),
                    request.getHeader(DirectTransfer.WRAPPED_KEY));
            long started = System.nanoTime();
            StagedTransfer staged;
            try (InputStream body = request.getInputStream()) {
                staged = engine.transfers().receive(from, body, announced, properties.memoryLimit().toBytes());
            }
            log.info("staged the direct transfer of migration {} from {}: {} bytes ({}, {}) in {} ms", migrationId,
                    from.sourceHost(), staged.size(), staged.storage(), staged.compression(),
                    (System.nanoTime() - started) / 1_000_000);
            return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("digest", staged.digest(), "size", staged.size(),
                    "storage", staged.storage()));
        } catch (TransferRefusedException e) {
            log.warn("refused a direct transfer of migration {}: {} ({})", migrationId, e.getMessage(), e.status());
            return problem(HttpStatus.valueOf(e.status()), e.title(), e.getMessage());
        } catch (FerryException | UncheckedIOException | IllegalArgumentException | IOException e) {
            log.warn("the direct transfer of migration {} failed: {}", migrationId, e.getMessage());
            return problem(HttpStatus.UNPROCESSABLE_CONTENT, "Transfer failed", e.getMessage());
        }
    }

    private static long longHeader(HttpServletRequest request, String name) {
        String v = request.getHeader(name);
        try {
            return v == null ? -1 : Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " is not a number");
        }
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String title, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setTitle(title);
        p.setType(URI.create("https://ferry.io/problems/transfer-" + status.value()));
        return ResponseEntity.status(status).body(p);
    }
}
