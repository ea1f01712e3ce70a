package io.ferry.registry.auth;

import io.ferry.registry.config.RegistryProperties;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.crypto.password.Pbkdf2PasswordEncoder;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The registry's users: names with password hashes only ({bcrypt} or {pbkdf2}), from
 * {@code ferry.registry.auth.users-file} and {@code ferry.registry.auth.users}. A plain password, or
 * {noop}, is refused at start. So is a registry nobody could use: no users and no anonymous rule.
 */
@Component
public class Users {
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,127}");
    private static final Pattern BCRYPT = Pattern.compile("\\{bcrypt}\\$2[aby]?\\$\\d\\d\\$[./0-9A-Za-z]{53}");
    private static final Pattern PBKDF2 = Pattern.compile("\\{pbkdf2}[0-9a-f]{96}"); // 16 bytes salt + 32 bytes hash
    static final PasswordEncoder ENCODER = new DelegatingPasswordEncoder("bcrypt", Map.of(
            "bcrypt", new BCryptPasswordEncoder(), "pbkdf2", Pbkdf2PasswordEncoder.defaultsForSpringSecurity_v5_8()));
    /** Checked for unknown users, so that a wrong name takes as long as a wrong password. */
    private static final String DUMMY = ENCODER.encode("no such user");

    private final Map<String, String> hashes;

    public Users(RegistryProperties properties, AccessRules rules) {
        Map<String, String> all = new LinkedHashMap<>();
        Path file = properties.auth().usersFile();
        if (file != null) {
            all.putAll(readFile(file));
        }
        properties.auth().usersOrEmpty().forEach((name, hash) ->
                all.put(name, check(name, hash, "ferry.registry.auth.users." + name)));
        if (properties.auth().enabled() && all.isEmpty() && !rules.allowsAnonymous()) {
            throw new IllegalStateException("registry-service has no users and no rule for \"anonymous\": nobody"
                    + " could use it. Set ferry.registry.auth.users-file (FERRY_REGISTRY_AUTH_USERS_FILE) to a file of"
                    + " \"name:{bcrypt}...\" lines made with scripts/registry-user.sh, and rules in ferry.registry.auth.access");
        }
        this.hashes = Map.copyOf(all);
    }

    /** The user if the password is right; empty otherwise. */
    public Optional<String> authenticate(String user, String password) {
        String hash = hashes.get(user);
        boolean ok = ENCODER.matches(password == null ? "" : password, hash == null ? DUMMY : hash);
        return ok && hash != null && password != null ? Optional.of(user) : Optional.empty();
    }

    /** A users file line for {@code name} with a bcrypt hash of {@code password}. */
    public static String line(String name, String password) {
        checkName(name, "the user name");
        return name + ":" + ENCODER.encode(password);
    }

    static Map<String, String> readFile(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the users file " + file + " (ferry.registry.auth.users-file): "
                    + e.getMessage(), e);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            String where = file + " line " + (i + 1);
            if (colon <= 0) {
                throw new IllegalStateException(where + " is not \"name:{bcrypt}...\"; make lines with scripts/registry-user.sh");
            }
            String name = line.substring(0, colon);
            if (out.put(name, check(name, line.substring(colon + 1), where)) != null) {
                throw new IllegalStateException(where + ": user \"" + name + "\" is listed twice");
            }
        }
        return out;
    }

    /** The hash if the name is valid and the hash is one this registry checks; never echoes the value. */
    private static String check(String name, String hash, String where) {
        checkName(name, where);
        if (!hash.startsWith("{bcrypt}") && !hash.startsWith("{pbkdf2}")) {
            throw new IllegalStateException(where + ": the password of \"" + name + "\" is not stored as a {bcrypt} or"
                    + " {pbkdf2} hash; plain passwords are refused. Make the line with scripts/registry-user.sh");
        }
        if (!BCRYPT.matcher(hash).matches() && !PBKDF2.matcher(hash).matches()) {
            throw new IllegalStateException(where + ": the password hash of \"" + name + "\" is malformed");
        }
        return hash;
    }

    private static void checkName(String name, String where) {
        if (!NAME.matcher(name).matches() || name.equals(AccessRules.ANONYMOUS)) {
            throw new IllegalStateException(where + ": \"" + name + "\" is not a valid user name (letters, digits,"
                    + " '.', '_', '@', '-'; not \"anonymous\")");
        }
    }
}
