package io.ferry.gateway.api;

import io.ferry.gateway.eventlog.EventLog;
import io.ferry.gateway.migration.Migration;
import io.ferry.gateway.migration.MigrationCoordinator;
import io.ferry.gateway.migration.MigrationPolicy;
import io.ferry.gateway.migration.MigrationRepository;
import io.ferry.gateway.migration.MigrationState;
import io.ferry.gateway.migration.Preflight;
import io.ferry.protocol.Meta;
import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.MigrationOptions;
import jakarta.validation.Valid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Migrations: start one, follow it (JSON or Server-Sent Events), list them, cancel one. */
@RestController
@RequestMapping("/api/migrations")
public class MigrationController {
    private static final Logger LOG = LoggerFactory.getLogger(MigrationController.class);
    private final MigrationCoordinator coordinator;
    private final MigrationRepository migrations;
    private final MigrationStreams streams;
    private final EventLog log;
    private final Preflight preflight;

    public MigrationController(MigrationCoordinator coordinator, MigrationRepository migrations, MigrationStreams streams,
                               EventLog log, Preflight preflight) {
        this.preflight = preflight;
        this.coordinator = coordinator;
        this.migrations = migrations;
        this.streams = streams;
        this.log = log;
    }

    /**
     * 202 with the migration's Location; 409 with the reason when the preflight refuses it, or when the container
     * is being migrated already (then {@code runningMigration} names that migration).
     */
    @PostMapping
    public ResponseEntity<MigrationView> start(@Valid @RequestBody MigrationRequest request, Authentication caller) {
        String id = request.id() != null ? request.id() : UUID.randomUUID().toString();
        LOG.info("migration {} of {} from {} to {} requested by {}", id, request.container(), request.sourceHost(),
                request.targetHost(), caller.getName());
        coordinator.submit(requested(id, request, caller.getName()));
        Migration m = migrations.findById(id).orElseThrow();
        URI location = URI.create("/api/migrations/" + id);
        if (m.getState() == MigrationState.FAILED && m.getCheckpointRequestedAt() == null) {
            if (Preflight.unprocessable(m.getError())) {
                throw new UnsupportedOptionsProblem("migration refused: " + m.getError(), location);
            }
            URI running = runningMigrationOf(m).map(other -> URI.create("/api/migrations/" + other)).orElse(null);
            throw new ConflictProblem("migration refused: " + m.getError(), location, running);
        }
        return ResponseEntity.accepted().location(location).body(MigrationView.of(m));
    }

    @GetMapping("/{id}")
    public MigrationView get(@PathVariable String id) {
        return MigrationView.of(find(id));
    }

    @GetMapping
    public List<MigrationView> list(@RequestParam(required = false) MigrationState state,
                                    @RequestParam(required = false) String host) {
        return migrations.search(state, host).stream().map(MigrationView::of).toList();
    }

    /** The migration's timeline, live: the log so far, then each message as it happens. */
    @GetMapping(path = "/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public SseEmitter events(@PathVariable String id) {
        find(id);
        return streams.subscribe(id);
    }

    /** The same timeline as one JSON list (what has happened so far). */
    @GetMapping(path = "/{id}/events", produces = MediaType.APPLICATION_JSON_VALUE)
    public List<JsonNode> timeline(@PathVariable String id) {
        find(id);
        return log.of(id).stream().map(e -> JsonMapper.shared().readTree(e.getPayload())).toList();
    }

    @PostMapping("/{id}/cancel")
    public ResponseEntity<MigrationView> cancel(@PathVariable String id, Authentication caller) {
        Migration m = find(id);
        LOG.info("cancel of migration {} requested by {}", id, caller.getName());
        if (m.getState().terminal()) {
            throw new ConflictProblem("migration " + id + " has ended (" + m.getState() + ")", URI.create("/api/migrations/" + id));
        }
        if (m.getState() == MigrationState.TRANSFERRING_PAGES) {
            // the copy on the target runs and its memory is split between the hosts: there is nothing to go back to
            throw new ConflictProblem("migration " + id + " is past the point of no return: the container runs on "
                    + m.getTargetHost() + " and its memory pages are still coming from " + m.getSourceHost()
                    + " (post-copy); it cannot be cancelled", URI.create("/api/migrations/" + id));
        }
        coordinator.submit(new MigrationMessage.MigrationCancelRequested(
                new Meta(id + "/cancel", id, MigrationPolicy.GATEWAY, Instant.now(), Meta.VERSION)));
        return ResponseEntity.accepted().body(MigrationView.of(find(id)));
    }

    /**
     * The request as the event log records it. {@code requestedBy} is the authenticated caller (an account
     * of the tokens file, or a JWT's name claim), as a Kafka request records its topic's principal.
     */
    private static MigrationMessage.MigrateRequested requested(String id, MigrationRequest request, String requestedBy) {
        return new MigrationMessage.MigrateRequested(
                new Meta(id + "/requested", id, MigrationPolicy.GATEWAY, Instant.now(), Meta.VERSION), request.container(),
                request.sourceHost(), request.targetHost(), new MigrationOptions(Boolean.TRUE.equals(request.keep()),
                Boolean.TRUE.equals(request.tcpEstablished()), request.newName(),
                request.transfer() == null ? null : MigrationOptions.Transfer.of(request.transfer()),
                Boolean.TRUE.equals(request.postCopy()), Boolean.TRUE.equals(request.fileLocks())), requestedBy);
    }

    /** The migration under way of the same container (named by name or id) from the same source, if any. */
    private java.util.Optional<String> runningMigrationOf(Migration refused) {
        MigrationMessage.MigrateRequested asked = new MigrationMessage.MigrateRequested(null, refused.getContainer(),
                refused.getSourceHost(), refused.getTargetHost(), null);
        return preflight.containerId(asked).flatMap(containerId -> migrations.activeOf(refused.getSourceHost(), containerId,
                refused.getId()).stream().findFirst());
    }

    private Migration find(String id) {
        return migrations.findById(id).orElseThrow(() -> new NotFoundProblem("no migration with id " + id));
    }

}
