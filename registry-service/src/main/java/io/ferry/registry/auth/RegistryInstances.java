package io.ferry.registry.auth;

import io.ferry.registry.config.RegistryProperties;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Instances that share one database must sign tokens with one key, or a token from one is refused by
 * the next (clients are balanced between them). Each instance keeps a row with heartbeats and its
 * key's fingerprint; one that finds another live instance refuses to start unless both run with the
 * configured {@code ferry.registry.auth.secret}, and the same one. Starts are serialized by an
 * advisory lock, so two instances starting at once cannot both see an empty table. A row of this
 * machine's process that is gone (or whose pid now belongs to this process, started later) is this
 * instance's previous run, killed before it could remove its row: it is removed, so a restart is not
 * held back until the row goes stale.
 */
@Component
public class RegistryInstances {
    private static final Logger log = LoggerFactory.getLogger(RegistryInstances.class);
    private static final long LOCK = 0x6665727279L; // "ferry": pg_advisory_xact_lock's key for instance starts

    private static final String HOSTNAME = hostname();
    private static final long PID = ProcessHandle.current().pid();
    /** Millisecond precision, as PostgreSQL's timestamptz (microseconds) keeps it exactly. */
    private static final Instant PROCESS_STARTED = Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());

    private final JdbcTemplate jdbc;
    private final TokenKey key;
    private final RegistryProperties.Instances settings;
    private final String id = UUID.randomUUID().toString();

    record Other(String id, String fingerprint, boolean secretConfigured, OffsetDateTime startedAt,
                 String hostname, long pid, OffsetDateTime processStartedAt) {
    }

    public RegistryInstances(JdbcTemplate jdbc, TransactionTemplate tx, TokenKey key, RegistryProperties properties) {
        this.jdbc = jdbc;
        this.key = key;
        this.settings = properties.auth().instances();
        tx.executeWithoutResult(status -> {
            jdbc.query("select pg_advisory_xact_lock(?)", rs -> null, LOCK);
            jdbc.update("delete from registry_instance where heartbeat_at < now() - make_interval(secs => ?)",
                    (double) settings.staleAfter().toMillis() / 1000);
            List<Other> others = jdbc.query("select id, key_fingerprint, secret_configured, started_at, hostname, pid,"
                    + " process_started_at from registry_instance", (rs, n) -> new Other(rs.getString(1), rs.getString(2),
                    rs.getBoolean(3), rs.getObject(4, OffsetDateTime.class), rs.getString(5), rs.getLong(6),
                    rs.getObject(7, OffsetDateTime.class)));
            for (Other other : others) {
                if (previousRunOfThisProcess(other)) {
                    jdbc.update("delete from registry_instance where id = ?", other.id());
                } else {
                    refuseUnlessSameConfiguredKey(other);
                }
            }
            insert();
        });
        log.info("registry-service instance {} registered ({} other live instance(s) share this database)", id,
                jdbc.queryForObject("select count(*) - 1 from registry_instance", Long.class));
    }

    /** On this machine, and its process is gone or its pid is this process's, which started after it. */
    private static boolean previousRunOfThisProcess(Other other) {
        if (!other.hostname().equals(HOSTNAME)) {
            return false;
        }
        if (other.pid() == PID) {
            return !other.processStartedAt().toInstant().equals(PROCESS_STARTED);
        }
        return ProcessHandle.of(other.pid()).isEmpty();
    }

    private void refuseUnlessSameConfiguredKey(Other other) {
        String who = "another registry-service instance (" + other.id() + ", started " + other.startedAt()
                + ") shares this database";
        if (!key.configured()) {
            throw new IllegalStateException(who + ", and this one has no ferry.registry.auth.secret: its random token key"
                    + " would make every token of the other instance invalid here and back. Set ferry.registry.auth.secret"
                    + " (FERRY_REGISTRY_AUTH_SECRET) to the same 32+ random bytes on every instance");
        }
        if (!other.secretConfigured()) {
            throw new IllegalStateException(who + " and signs tokens with a random key of its own (it has no"
                    + " ferry.registry.auth.secret). Set ferry.registry.auth.secret (FERRY_REGISTRY_AUTH_SECRET) to the same"
                    + " value on every instance and restart them");
        }
        if (!other.fingerprint().equals(key.fingerprint())) {
            throw new IllegalStateException(who + " with a different ferry.registry.auth.secret (FERRY_REGISTRY_AUTH_SECRET):"
                    + " tokens of one would be refused by the other. Give every instance the same secret");
        }
    }

    private void insert() {
        jdbc.update("insert into registry_instance (id, key_fingerprint, secret_configured, started_at, heartbeat_at,"
                + " hostname, pid, process_started_at) values (?, ?, ?, now(), now(), ?, ?, ?)", id, key.fingerprint(),
                key.configured(), HOSTNAME, PID, OffsetDateTime.ofInstant(PROCESS_STARTED, ZoneOffset.UTC));
    }

    @Scheduled(fixedDelayString = "${ferry.registry.auth.instances.heartbeat:10s}",
            initialDelayString = "${ferry.registry.auth.instances.heartbeat:10s}")
    public void heartbeat() {
        if (jdbc.update("update registry_instance set heartbeat_at = now() where id = ?", id) == 0) {
            log.warn("instance {} was taken for gone (no heartbeat for {}); registering it again", id, settings.staleAfter());
            insert();
        }
    }

    /**
     * Bounded: at JVM exit an embedded PostgreSQL stops in its own shutdown hook, and the pool would wait
     * its whole connection timeout. A row left behind goes stale after {@code stale-after}.
     */
    @PreDestroy
    void leave() {
        try {
            CompletableFuture.runAsync(() -> jdbc.update("delete from registry_instance where id = ?", id))
                    .get(2, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            log.warn("could not remove instance {} from registry_instance ({}); it goes stale after {}", id,
                    e.getCause() == null ? "timed out" : e.getCause().getMessage(), settings.staleAfter());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String hostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    public String id() {
        return id;
    }
}
