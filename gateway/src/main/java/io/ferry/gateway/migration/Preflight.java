package io.ferry.gateway.migration;

import io.ferry.gateway.config.GatewayProperties;
import io.ferry.gateway.host.Hosts;
import io.ferry.protocol.Compatibility;
import io.ferry.protocol.HostHeartbeat;
import io.ferry.protocol.MigrationOptions;
import io.ferry.protocol.MigrationMessage.MigrateRequested;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Optional;

/**
 * Refuses a migration that cannot work, with the reason, before anything moves: either host down
 * (no fresh heartbeat from the source's checkpoint-service or the target's restore-service), the
 * container not running on the source, a name taken on the target, or a target that cannot restore
 * what the source checkpoints (architecture, OCI runtime, an older CRIU).
 */
@Component
public class Preflight {
    private final Hosts hosts;
    private final GatewayProperties properties;

    public Preflight(Hosts hosts, GatewayProperties properties) {
        this.hosts = hosts;
        this.properties = properties;
    }

    public Optional<String> check(MigrateRequested r) {
        Optional<String> options = options(r);
        if (options.isPresent()) {
            return options;
        }
        if (r.sourceHost().equals(r.targetHost())) {
            return Optional.of("source and target are the same host (" + r.sourceHost() + ")");
        }
        Optional<Hosts.Up> source = hosts.up(r.sourceHost(), "checkpoint");
        if (source.isEmpty()) {
            return Optional.of("source host " + r.sourceHost() + " is down: no heartbeat from its checkpoint-service in the last "
                    + properties.heartbeatTtl().toSeconds() + "s");
        }
        Optional<Hosts.Up> target = hosts.up(r.targetHost(), "restore");
        if (target.isEmpty()) {
            return Optional.of("target host " + r.targetHost() + " is down: no heartbeat from its restore-service in the last "
                    + properties.heartbeatTtl().toSeconds() + "s");
        }
        HostHeartbeat s = source.get().service();
        HostHeartbeat t = target.get().service();
        // Containers from each host's newest beat of any service: a user who just saw the container in
        // GET /api/hosts/{id}/containers must not be refused because this role's beat is a second older.
        List<HostHeartbeat.RunningContainer> onSource = source.get().newest().containers();
        List<HostHeartbeat.RunningContainer> onTarget = target.get().newest().containers();
        boolean running = onSource.stream().anyMatch(c -> (c.name().equals(r.container()) || c.id().equals(r.container()))
                && c.status().equals("running"));
        if (!running) {
            return Optional.of("container " + r.container() + " is not running on " + r.sourceHost());
        }
        String name = r.options() != null && r.options().newName() != null ? r.options().newName() : r.container();
        if (onTarget.stream().anyMatch(c -> c.name().equals(name))) {
            return Optional.of("target host " + r.targetHost() + " already has a container named " + name);
        }
        return Compatibility.problem(platform(s), platform(t))
                .map(problem -> "target host " + r.targetHost() + " cannot restore it: " + problem)
                .or(() -> postCopy(r, s, t));
    }

    /** What refusals of the options themselves start with (REST answers them 422, as post-copy's). */
    public static final String OPTIONS_REFUSED = "options refused: ";

    /**
     * Issue 12: established TCP connections restored under a new name would put one TCP endpoint on the network
     * twice, while the source's copy may still hold it (Podman refuses it: "--tcp-established cannot be used with
     * --name"); a Kafka request can ask for it as well as a REST one.
     */
    static Optional<String> options(MigrateRequested r) {
        if (r.options() != null && r.options().tcpEstablished() && r.options().newName() != null) {
            return Optional.of(OPTIONS_REFUSED + "--tcp-established cannot be used with --name (tcpEstablished with"
                    + " newName " + r.options().newName() + ")");
        }
        return Optional.empty();
    }

    /** What a post-copy request's refusals start with (REST answers them 422: the options, not the hosts' state). */
    public static final String POST_COPY_REFUSED = "post-copy refused: ";

    /**
     * Post-copy needs CRIU's lazy pages on both hosts (their heartbeats list "post-copy"), and it moves the
     * container: with keep (-R) the source runs on, and a copy restored from a page server of a running process
     * would get memory that is changing under it (CRIU dumps lazily only what it stops), as Podman allows no
     * --leave-running with lazy pages. A new name is fine: it names the target's copy, the memory is the same.
     */
    static Optional<String> postCopy(MigrateRequested r, HostHeartbeat source, HostHeartbeat target) {
        if (r.options() == null || !r.options().postCopy()) {
            return Optional.empty();
        }
        if (r.options().keep()) {
            return Optional.of(POST_COPY_REFUSED + "it moves the container, and keep leaves it running on " + r.sourceHost()
                    + "; migrate with keep in stop-and-copy (without postCopy), or without keep");
        }
        if (r.options().transferOrDefault() == MigrationOptions.Transfer.REGISTRY || target.transferEndpoint() == null) {
            // the page server the target fetches memory from is signed by the source into its direct transfer only
            return Optional.of(POST_COPY_REFUSED + "it needs the direct transfer (the source signs its page server into"
                    + " it), and " + (target.transferEndpoint() == null ? "host " + r.targetHost() + " offers none"
                    : "this request asks for transfer registry") + "; migrate without postCopy (stop-and-copy)");
        }
        for (HostHeartbeat beat : List.of(source, target)) {
            if (beat.features() == null || !beat.features().contains(POST_COPY)) {
                return Optional.of(POST_COPY_REFUSED + "host " + beat.hostId() + " cannot do it (its " + beat.role()
                        + "-service does not list feature '" + POST_COPY + "': CRIU's lazy pages do not work there);"
                        + " migrate without postCopy (stop-and-copy)");
            }
        }
        return Optional.empty();
    }

    /** The feature a host's heartbeat lists when CRIU's lazy pages work there. */
    public static final String POST_COPY = "post-copy";

    /**
     * The id of the container the request names, by name or id, in the source host's newest heartbeat
     * (whatever its status: a stopped, checkpointed container is still the one being migrated).
     */
    public Optional<String> containerId(MigrateRequested r) {
        return hosts.get(r.sourceHost()).flatMap(h -> h.latest().containers().stream()
                .filter(c -> c.name().equals(r.container()) || c.id().equals(r.container()))
                .map(HostHeartbeat.RunningContainer::id).findFirst());
    }

    private static Compatibility.Platform platform(HostHeartbeat beat) {
        return new Compatibility.Platform(beat.runtime(), beat.arch(), beat.criuVersion());
    }

    /** Issue 11: the target restore-service's direct-transfer URL, from its heartbeat, while it is up. */
    public Optional<String> transferEndpoint(String targetHost) {
        return hosts.up(targetHost, "restore").map(up -> up.service().transferEndpoint());
    }
}
