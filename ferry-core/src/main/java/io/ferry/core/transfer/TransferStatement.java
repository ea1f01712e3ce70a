package io.ferry.core.transfer;

import io.ferry.core.checkpoint.PageServer;
import io.ferry.core.trust.HostKeys;
import io.ferry.protocol.Identifiers;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * What a source host signs to open a direct transfer on a target: this migration's archive, from me,
 * to you, now, once. Its bytes are fixed and versioned, one field per line (each field checked, none
 * may hold a space or a line break), as {@code CheckpointStatement}'s:
 * <pre>
 * ferry-transfer/v1
 * migration &lt;migration id&gt;
 * source &lt;host id&gt;
 * target &lt;host id&gt;
 * pages &lt;ADDRESS:PORT&gt;       (post-copy only: the page server the target fetches the memory pages from)
 * issued &lt;ISO-8601 instant&gt;
 * nonce &lt;32 hex&gt;
 * </pre>
 * It travels in the {@value #HEADER} header as {@code base64url(statement) "." base64url(signature)}.
 */
public record TransferStatement(String migrationId, String sourceHost, String targetHost, String pageServer,
                                Instant issuedAt, String nonce) {
    public static final String VERSION = "ferry-transfer/v1";
    public static final String HEADER = "Ferry-Transfer-Authorization";
    private static final int MAX_HEADER = 2048;
    private static final Pattern NONCE = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern PAGE_SERVER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]{0,252}:[0-9]{1,5}");
    private static final SecureRandom RANDOM = new SecureRandom();

    public TransferStatement {
        Identifiers.migrationId("migration", migrationId);
        Identifiers.hostId("source", sourceHost);
        Identifiers.hostId("target", targetHost);
        if (pageServer != null) {
            if (!PAGE_SERVER.matcher(pageServer).matches()) {
                throw new IllegalArgumentException("pages: not ADDRESS:PORT");
            }
            PageServer parsed = PageServer.parse(pageServer); // IllegalArgumentException saying what is wrong
            if (parsed.port() == 0 || !parsed.hostPort().equals(pageServer)) {
                throw new IllegalArgumentException("pages: not ADDRESS:PORT with a port");
            }
        }
        if (issuedAt == null) {
            throw new IllegalArgumentException("issued: missing");
        }
        if (nonce == null || !NONCE.matcher(nonce).matches()) {
            throw new IllegalArgumentException("nonce: not 32 lower-case hex digits");
        }
    }

    /** Without a page server (stop-and-copy). */
    public TransferStatement(String migrationId, String sourceHost, String targetHost, Instant issuedAt, String nonce) {
        this(migrationId, sourceHost, targetHost, null, issuedAt, nonce);
    }

    /** A fresh statement (now, a random nonce). */
    public static TransferStatement issue(String migrationId, String sourceHost, String targetHost) {
        return issue(migrationId, sourceHost, targetHost, null);
    }

    /**
     * With {@code pageServer} (post-copy): the target fetches the memory pages from there and from nowhere
     * else, whatever a command says: a page server is fed straight into the restored process's memory.
     */
    public static TransferStatement issue(String migrationId, String sourceHost, String targetHost, String pageServer) {
        byte[] n = new byte[16];
        RANDOM.nextBytes(n);
        return new TransferStatement(migrationId, sourceHost, targetHost, pageServer, Instant.now(),
                HexFormat.of().formatHex(n));
    }

    public byte[] bytes() {
        return (VERSION + "\nmigration " + migrationId + "\nsource " + sourceHost + "\ntarget " + targetHost
                + (pageServer == null ? "" : "\npages " + pageServer)
                + "\nissued " + issuedAt + "\nnonce " + nonce + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The header value: this statement signed with the source host's key. */
    public String header(HostKeys keys) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString(bytes()) + "." + b64.encodeToString(keys.sign(bytes()));
    }

    /** A statement and the signature that came with it, not yet verified. */
    public record Signed(TransferStatement statement, byte[] signature) {
    }

    /**
     * Parses a header value strictly: exactly the fields above in that order, each well formed, and
     * the bytes re-encoded from the parsed fields equal to those sent (no second spelling of one statement).
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static Signed parseHeader(String header) {
        if (header == null || header.isBlank()) {
            throw new IllegalArgumentException("no " + HEADER + " header");
        }
        if (header.length() > MAX_HEADER) {
            throw new IllegalArgumentException(HEADER + " is longer than " + MAX_HEADER + " characters");
        }
        int dot = header.indexOf('.');
        if (dot < 0 || dot != header.lastIndexOf('.')) {
            throw new IllegalArgumentException(HEADER + " is not <statement>.<signature>");
        }
        byte[] statement;
        byte[] signature;
        try {
            statement = Base64.getUrlDecoder().decode(header.substring(0, dot));
            signature = Base64.getUrlDecoder().decode(header.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(HEADER + " is not base64url: " + e.getMessage());
        }
        TransferStatement parsed = parse(new String(statement, StandardCharsets.UTF_8));
        if (!java.util.Arrays.equals(parsed.bytes(), statement)) {
            throw new IllegalArgumentException("the transfer statement is not in its canonical form");
        }
        return new Signed(parsed, signature);
    }

    static TransferStatement parse(String text) {
        String[] lines = text.split("\n", -1);
        if (lines.length != 7 && lines.length != 8 || !lines[lines.length - 1].isEmpty() || !VERSION.equals(lines[0])) {
            throw new IllegalArgumentException("not a " + VERSION + " statement");
        }
        String migration = field(lines[1], "migration");
        String source = field(lines[2], "source");
        String target = field(lines[3], "target");
        int next = 4;
        String pages = lines.length == 8 ? field(lines[next++], "pages") : null;
        Instant issued;
        try {
            issued = Instant.parse(field(lines[next++], "issued"));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("issued: not an ISO-8601 instant");
        }
        return new TransferStatement(migration, source, target, pages, issued, field(lines[next], "nonce"));
    }

    private static String field(String line, String name) {
        if (!line.startsWith(name + " ")) {
            throw new IllegalArgumentException("expected the field " + name);
        }
        return line.substring(name.length() + 1);
    }
}
