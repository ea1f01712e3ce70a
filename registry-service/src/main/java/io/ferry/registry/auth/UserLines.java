package io.ferry.registry.auth;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code java -jar registry-service-exec.jar hash-users}: reads "name:password" lines on standard input
 * and writes users file lines "name:{bcrypt}..." (scripts/registry-user.sh). The passwords never
 * appear on a command line, where other users could read them.
 */
public final class UserLines {
    public static final String COMMAND = "hash-users";

    private UserLines() {
    }

    public static int run(InputStream in, PrintStream out, PrintStream err) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        int n = 0;
        for (String line; (line = reader.readLine()) != null; ) {
            n++;
            int colon = line.indexOf(':');
            if (line.isBlank()) {
                continue;
            }
            if (colon <= 0 || colon == line.length() - 1) {
                err.println("hash-users: input line " + n + " is not \"name:password\" with a non-empty password");
                return 2;
            }
            try {
                out.println(Users.line(line.substring(0, colon), line.substring(colon + 1)));
            } catch (IllegalStateException e) {
                err.println("hash-users: input line " + n + ": " + e.getMessage());
                return 2;
            }
        }
        out.flush();
        return 0;
    }
}
