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
        Optional<HostHeartbeat.RunningContainer> running = onSource.stream().filter(c -> (c.name().equals(r.container())
                || c.id().equals(r.container())) && c.status().equals("running")).findFirst();
        if (running.isEmpty()) {
            return Optional.of("container " + r.container() + " is not running on " + r.sourceHost());
        }
        String name = r.options() != null && r.options().newName() != null ? r.options().newName() : r.container();
        if (onTarget.stream().anyMatch(c -> c.name().equals(name))) {
            return Optional.of("target host " + r.targetHost() + " already has a container named " + name);
        }
        return Compatibility.problem(platform(s), platform(t))
                .map(problem -> "target host " + r.targetHost() + " cannot restore it: " + problem)
                .or(() -> postCopy(r, s, t))
                .or(() -> NetworkPreflight.check(r, running.get(), source.get().newest().networks(), t)
                        .map(problem -> NETWORK_REFUSED + problem));
    }

    /** What a refusal of the options themselves starts with (issue 12: Podman's "--tcp-established cannot be used with --name"). */
    public static final String OPTIONS_REFUSED = "options: ";
    /** What a refusal for the container's network starts with (issue 12: the target is not on it, its address is taken). */
    public static final String NETWORK_REFUSED = "container network: ";

    /**
     * Whether a refusal is for what the request asks (its options, or a target that cannot take the container's
     * network as asked) rather than for the hosts' state: REST answers those 422, the rest 409.
     */
    public static boolean unprocessable(String refusal) {
        return refusal != null && (refusal.startsWith(POST_COPY_REFUSED) || refusal.startsWith(OPTIONS_REFUSED)
                || refusal.startsWith(NETWORK_REFUSED));
    }

    /** Options that cannot go together (Podman's "--tcp-established cannot be used with --name"), a Kafka request's too. */
    static Optional<String> options(MigrateRequested r) {
        return (r.options() == null ? Optional.<String>empty() : r.options().conflict()).map(c -> OPTIONS_REFUSED + c);
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
