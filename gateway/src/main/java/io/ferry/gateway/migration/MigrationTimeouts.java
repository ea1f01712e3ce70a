package io.ferry.gateway.migration;

import io.ferry.gateway.config.GatewayProperties;
import io.ferry.protocol.Meta;
import io.ferry.protocol.MigrationMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;

/**
 * Times out migrations stuck in a state, counted from the migration's last report or action (progress
 * included), not from when the state was entered: a stage that reports is not timed out. What a timeout
 * leads to is the policy's: ask the host again first where it can (a restore, a cancel), then give up.
 * An instance that has just started was not watching: it judges no silence shorter than the limit since
 * its own start, so the reports that arrived while it was down (Kafka hands them over only once the
 * consumer group has rebalanced) are read before anything is timed out.
 */
@Component
public class MigrationTimeouts {
    private static final Logger log = LoggerFactory.getLogger(MigrationTimeouts.class);

    private final MigrationRepository migrations;
    private final MigrationCoordinator coordinator;
    private final GatewayProperties properties;
    private final Instant watchingSince;

    @Autowired
    public MigrationTimeouts(MigrationRepository migrations, MigrationCoordinator coordinator, GatewayProperties properties) {
        this(migrations, coordinator, properties, Instant.now());
    }

    MigrationTimeouts(MigrationRepository migrations, MigrationCoordinator coordinator, GatewayProperties properties,
                      Instant watchingSince) {
        this.migrations = migrations;
        this.coordinator = coordinator;
        this.properties = properties;
        this.watchingSince = watchingSince;
    }

    @Scheduled(fixedDelayString = "${ferry.gateway.timeout-check-interval:1s}")
    public void check() {
        Instant now = Instant.now();
        for (Migration m : migrations.findByStateIn(MigrationState.active())) {
            Duration limit = limit(m.getState());
            Instant since = m.getLastActivityAt();
            Instant watched = since.isAfter(watchingSince) ? since : watchingSince;
            if (watched.plus(limit).isBefore(now)) {
                log.warn("migration {} has been {} without a word for more than {}", m.getId(), m.getState(), limit);
                // one timeout per silence: the id repeats if the check fires again before anything happens
                Meta meta = new Meta(m.getId() + "/timeout/" + m.getState() + "/" + since.toEpochMilli(),
                        m.getId(), MigrationPolicy.GATEWAY, now, Meta.VERSION, m.getEpoch());
                coordinator.submit(new MigrationMessage.MigrationTimedOut(meta, m.getState().name(), m.getProbes()));
            }
        }
    }

    private Duration limit(MigrationState state) {
        GatewayProperties.Timeouts t = properties.timeouts();
        return switch (state) {
            case REQUESTED -> t.requested();
            case CHECKPOINTING, UPLOADING -> t.checkpointing();
            case RESTORING -> t.restoring();
            case FINALIZING -> t.finalizing();
            case TRANSFERRING_PAGES -> t.transferringPages();
            default -> t.rollingBack();
        };
    }
}
