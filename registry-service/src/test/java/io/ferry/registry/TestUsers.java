package io.ferry.registry;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;

import java.util.ArrayList;
import java.util.List;

/**
 * The tests' user "ferry" (password "secret", stored as a bcrypt hash of cost 4 to keep tests fast)
 * with every action on every repository, as properties or as command-line arguments.
 */
public final class TestUsers {
    public static final String USER = "ferry";
    public static final String PASSWORD = "secret";
    public static final String HASH = hash(PASSWORD);

    private TestUsers() {
    }

    public static String hash(String password) {
        return "{bcrypt}" + new BCryptPasswordEncoder(4).encode(password);
    }

    /** The user and a rule giving it everything. */
    public static void register(DynamicPropertyRegistry registry) {
        registry.add("ferry.registry.auth.users." + USER, () -> HASH);
        registry.add("ferry.registry.auth.access[0].principals", () -> USER);
        registry.add("ferry.registry.auth.access[0].repositories", () -> "**");
        registry.add("ferry.registry.auth.access[0].actions", () -> "pull,push,delete");
    }

    /** The same as {@code --name=value} arguments. */
    public static List<String> arguments() {
        List<String> args = new ArrayList<>();
        args.add("--ferry.registry.auth.users." + USER + "=" + HASH);
        args.add("--ferry.registry.auth.access[0].principals=" + USER);
        args.add("--ferry.registry.auth.access[0].repositories=**");
        args.add("--ferry.registry.auth.access[0].actions=pull,push,delete");
        return args;
    }
}
