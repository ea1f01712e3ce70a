package io.ferry.gateway.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The accounts file: a line per account, {@code NAME ROLE SHA256}, where SHA256 is the hex SHA-256 of
 * the account's token (never the token). Blank lines and lines starting with # are skipped. Any other
 * line that is not an account is refused with its line number: a typo must not silently drop or widen
 * an account.
 */
final class TokensFile {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private TokensFile() {
    }

    record Account(String name, Role role, byte[] sha256) {
    }

    static Map<String, Account> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new SecurityConfigException("cannot read the tokens file " + file + " (ferry.gateway.security.tokens-file): "
                    + e.getClass().getSimpleName() + " " + e.getMessage(), "Create it with scripts/new-token.sh -a " + file
                    + " NAME ROLE, or point ferry.gateway.security.tokens-file at an existing one.");
        }
        Map<String, Account> accounts = new LinkedHashMap<>();
        Map<String, String> byHash = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + " line " + (i + 1) + ": ";
            String[] f = line.split("\\s+");
            if (f.length != 3) {
                throw invalid(where + "expected NAME ROLE SHA256, found " + f.length + " fields");
            }
            if (!NAME.matcher(f[0]).matches()) {
                throw invalid(where + "account name \"" + f[0] + "\" is not 1-64 letters, digits, '.', '_', '@' or '-'");
            }
            Role role = Role.of(f[1]).orElseThrow(() -> invalid(where + "unknown role \"" + f[1] + "\" (roles: " + Role.ids() + ")"));
            if (!SHA256.matcher(f[2]).matches()) {
                throw invalid(where + "the third field must be the token's SHA-256 as 64 lower-case hex digits, not the token itself");
            }
            if (accounts.containsKey(f[0])) {
                throw invalid(where + "account " + f[0] + " is listed twice");
            }
            String other = byHash.putIfAbsent(f[2], f[0]);
            if (other != null) {
                throw invalid(where + "account " + f[0] + " has the same token as " + other);
            }
            accounts.put(f[0], new Account(f[0], role, HexFormat.of().parseHex(f[2])));
        }
        return accounts;
    }

    private static SecurityConfigException invalid(String message) {
        return new SecurityConfigException("invalid tokens file: " + message,
                "Fix the line; scripts/new-token.sh writes valid ones.");
    }
}
