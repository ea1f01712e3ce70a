package io.ferry.core.testing;

import io.ferry.core.os.FileTrees;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * registry-service run as its own process ({@link ServiceProcess}; jar from the system property
 * {@code ferry.registry.jar}) with its own data directory and embedded PostgreSQL.
 */
public final class RegistryProcess implements AutoCloseable {
    public static final String USER = "ferry";
    public static final String PASSWORD = "secret";
    /** bcrypt (cost 4, fast for tests) of {@link #PASSWORD}: registry-service takes only hashes. */
    static final String PASSWORD_HASH = "{bcrypt}$2a$04$gnGRyltqMaaw4Jxohqhk0O3IDkRBnyAVeI2zUXmtGHk5.hBo1Z8O6";

    private final ServiceProcess process;
    private final Path data;

    private RegistryProcess(ServiceProcess process, Path data) {
        this.process = process;
        this.data = data;
    }

    public static RegistryProcess start(String... extraArgs) {
        try {
            Path data = Files.createTempDirectory("ferry-registry-process");
            List<String> args = new ArrayList<>(List.of("--ferry.registry.data-dir=" + data,
                    "--ferry.registry.auth.users." + USER + "=" + PASSWORD_HASH,
                    // the test user may do everything (a later access[0] argument replaces this rule)
                    "--ferry.registry.auth.access[0].principals=" + USER, "--ferry.registry.auth.access[0].repositories=**",
                    "--ferry.registry.auth.access[0].actions=pull,push,delete"));
            args.addAll(List.of(extraArgs));
            ServiceProcess p = ServiceProcess.start("registry-service", "ferry.registry.jar", data, args);
            try {
                p.awaitReady("/v2/", Set.of(200, 401), Duration.ofMinutes(2));
            } catch (RuntimeException e) {
                p.close();
                throw e;
            }
            return new RegistryProcess(p, data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** host:port, as image references name it. */
    public String address() {
        return "127.0.0.1:" + process.port();
    }

    public int port() {
        return process.port();
    }

    public String credentials() {
        return USER + ":" + PASSWORD;
    }

    /** The credential for this registry only, as --creds and ferry.host.registry-auth take it: HOST:PORT=USER:PASSWORD. */
    public String auth() {
        return address() + "=" + credentials();
    }

    public Path dataDir() {
        return data;
    }

    @Override
    public void close() {
        process.close();
        FileTrees.deleteRecursively(data);
    }
}
