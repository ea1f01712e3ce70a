package io.ferry.gateway.migration;

import io.ferry.gateway.config.GatewayProperties;
import io.ferry.gateway.eventlog.EventLog;
import io.ferry.gateway.outbox.Outbox;
import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.MigrationMessage.MigrateRequested;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Handles every message of a migration in one PostgreSQL transaction: append it to the event log
 * (a message seen before changes nothing), fold it into the migration, decide what follows
 * ({@link MigrationPolicy}), and log and queue those messages in the outbox. State and the commands
 * it leads to are committed together (transactional outbox); the relay sends them afterwards.
 */
@Service
public class MigrationCoordinator {
    private static final Logger log = LoggerFactory.getLogger(MigrationCoordinator.class);

    private final EventLog eventLog;
    private final MigrationRepository migrations;
    private final Outbox outbox;
    private final Preflight preflight;
    private final GatewayProperties properties;
    private final ApplicationEventPublisher events;

    public MigrationCoordinator(EventLog eventLog, MigrationRepository migrations, Outbox outbox, Preflight preflight,
                                GatewayProperties properties, ApplicationEventPublisher events) {
        this.eventLog = eventLog;
        this.migrations = migrations;
        this.outbox = outbox;
        this.preflight = preflight;
        this.properties = properties;
        this.events = events;
    }

    /** A message the gateway made itself (a REST request, a cancel, a timeout): also published to Kafka. */
    @Transactional
    public void submit(MigrationMessage message) {
        migrations.lock(message.meta().migrationId());
        process(message, true);
    }

    /**
     * A message that came from Kafka (a host's report, or a request from another system). A report
     * from a host that is not the migration's source (checkpoint side) or target (restore side) is
     * refused: the topic proves which host sent it, not that the host has a part in this migration.
     */
    @Transactional
    public void handle(MigrationMessage message) {
        migrations.lock(message.meta().migrationId()); // first: nothing of the row is loaded before the lock
        Optional<String> expected = reportingHost(message);
        if (expected.isEmpty() && isHostReport(message)) {
            // logged, its id would be taken: the migration's own message with that id, when it comes, would be a duplicate
            log.warn("refused {} {} from host {}: the gateway knows no migration {}", message.type(), message.meta().id(),
                    message.meta().hostId(), message.meta().migrationId());
            return;
        }
        if (message instanceof MigrationMessage.CommandRefused refused && expected.isPresent()) {
            log.warn("host {} refused {} {} of migration {} (epoch {}): it has seen epoch {}", message.meta().hostId(),
                    refused.command(), refused.commandId(), message.meta().migrationId(), message.meta().epoch(),
                    refused.seenEpoch());
        }
        if (expected.isPresent() && !expected.get().equals(message.meta().hostId())) {
            log.warn("refused {} {} of migration {} from host {}: only host {} reports that for this migration",
                    message.type(), message.meta().id(), message.meta().migrationId(), message.meta().hostId(), expected.get());
            return;
        }
        process(message, false);
    }

    /** Whether a host may send this type at all (the rest are the gateway's own: requests, decisions, commands). */
    public static boolean isHostReport(MigrationMessage message) {
        return HostReports.isReport(message);
    }

    /** The host whose report this must be, for a report of a known migration (a refusal: the host it names, if a party). */
    private Optional<String> reportingHost(MigrationMessage message) {
        if (!HostReports.isReport(message)) {
            return Optional.empty();
        }
        boolean fromSource = HostReports.SOURCE.contains(message.getClass());
        String host = message.meta().hostId();
        return migrations.findById(message.meta().migrationId()).map(m -> {
            if (HostReports.EITHER.contains(message.getClass())) {
                return m.getSourceHost().equals(host) || m.getTargetHost().equals(host) ? host : m.getSourceHost();
            }
            return fromSource ? m.getSourceHost() : m.getTargetHost();
        });
    }

    private void process(MigrationMessage message, boolean publish) {
        OptionalLong seq = eventLog.append(message);
        if (seq.isEmpty()) {
            return; // a duplicate: already handled
        }
        if (publish) {
            outbox.add(message);
        }
        List<MigrationUpdated.Recorded> recorded = new ArrayList<>();
        recorded.add(new MigrationUpdated.Recorded(seq.getAsLong(), message));
        Migration current = migrations.findById(message.meta().migrationId()).orElse(null);
        MigrationState before = current == null ? null : current.getState();
        if (HostReports.stale(current, message)) {
            log.warn("{} {} of migration {} answers epoch {}, the migration is at epoch {}: logged, ignored", message.type(),
                    message.meta().id(), message.meta().migrationId(), message.meta().epoch(), current.getEpoch());
        }
        Migration m = MigrationProjection.fold(current, message, seq.getAsLong());
        if (m == null) {
            // another request with a known migration id (not started twice), or a message for an unknown one
            log.warn("{} for {} migration {} logged and ignored", message.type(), current == null ? "unknown" : "existing",
                    message.meta().migrationId());
            return;
        }
        for (MigrationMessage next : MigrationPolicy.react(m, before, message, context())) {
            OptionalLong nextSeq = eventLog.append(next);
            if (nextSeq.isPresent()) {
                MigrationProjection.apply(m, next, nextSeq.getAsLong());
                outbox.add(next);
                recorded.add(new MigrationUpdated.Recorded(nextSeq.getAsLong(), next));
            }
        }
        migrations.save(m);
        events.publishEvent(new MigrationUpdated(m, recorded));
    }

    private MigrationPolicy.Context context() {
        return new MigrationPolicy.Context() {
            @Override
            public Optional<String> preflight(MigrateRequested request) {
                return preflight.check(request);
            }

            @Override
            public Optional<String> containerId(MigrateRequested request) {
                return preflight.containerId(request);
            }

            @Override
            public Optional<String> activeMigrationOf(String sourceHost, String containerId, String exceptMigrationId) {
                migrations.lockContainer(sourceHost, containerId); // held to commit: the next request sees this one
                return migrations.activeOf(sourceHost, containerId, exceptMigrationId).stream().findFirst();
            }

            @Override
            public Optional<String> transferEndpoint(String targetHost) {
                return preflight.transferEndpoint(targetHost);
            }

            @Override
            public String archiveFor(String migrationId, String sourceHost) {
                return "registry://" + properties.registry() + "/" + properties.archiveRepository() + "/" + sourceHost
                        + ":" + migrationId;
            }
        };
    }
}
