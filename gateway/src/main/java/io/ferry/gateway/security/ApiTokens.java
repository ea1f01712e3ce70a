package io.ferry.gateway.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.Optional;

/**
 * The accounts of the tokens file, looked up by token (a bearer token) or by name and token (the
 * dashboard's login form). Only SHA-256 hashes are held; every comparison is constant-time and visits
 * every account. The file is read again when it changes, so an account is added or revoked without a
 * restart; a change that makes it invalid locks every API token out (logged) until it is fixed, rather
 * than keep a revoked token working.
 */
final class ApiTokens {
    private static final Logger LOG = LoggerFactory.getLogger(ApiTokens.class);
    private static final byte[] NO_ACCOUNT = new byte[32];

    private final Path file;
    private volatile Snapshot snapshot;

    private record Snapshot(Object version, Map<String, TokensFile.Account> accounts) {
    }

    /** Reads the file now: an invalid one stops the gateway's start. */
    ApiTokens(Path file) {
        this.file = file;
        this.snapshot = new Snapshot(version(), TokensFile.read(file));
        LOG.info("{} API token accounts from {}", snapshot.accounts().size(), file);
    }

    Optional<TokensFile.Account> byToken(String token) {
        byte[] hash = sha256(token);
        TokensFile.Account found = null;
        for (TokensFile.Account a : accounts().values()) {
            if (MessageDigest.isEqual(a.sha256(), hash)) {
                found = a;
            }
        }
        return Optional.ofNullable(found);
    }

    Optional<TokensFile.Account> byNameAndToken(String name, String token) {
        TokensFile.Account a = accounts().get(name);
        boolean match = MessageDigest.isEqual(a == null ? NO_ACCOUNT : a.sha256(), sha256(token));
        return match && a != null ? Optional.of(a) : Optional.empty();
    }

    /** The account of this name as the file says now (a session's, checked on every request). */
    Optional<TokensFile.Account> byName(String name) {
        return Optional.ofNullable(accounts().get(name));
    }

    private Map<String, TokensFile.Account> accounts() {
        Object now = version();
        Snapshot s = snapshot;
        if (!now.equals(s.version())) {
            synchronized (this) {
                if (!now.equals(snapshot.version())) {
                    snapshot = reread(now);
                }
                s = snapshot;
            }
        }
        return s.accounts();
    }

    private Snapshot reread(Object version) {
        try {
            Map<String, TokensFile.Account> accounts = TokensFile.read(file);
            LOG.info("tokens file {} changed: {} accounts", file, accounts.size());
            return new Snapshot(version, accounts);
        } catch (SecurityConfigException e) {
            LOG.error("{}; every API token is refused until it is fixed", e.getMessage());
            return new Snapshot(version, Map.of());
        }
    }

    /** Modification time, size and inode: what changes when the file is edited or replaced. */
    private Object version() {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return a.lastModifiedTime() + "/" + a.size() + "/" + a.fileKey();
        } catch (IOException e) {
            return "missing";
        }
    }

    static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
