package io.ferry.bench.compare;

import io.ferry.core.container.ContainerView;
import io.ferry.core.json.Json;
import io.ferry.core.testing.TestHost;
import io.ferry.gateway.FerryCluster;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * F2: a migration through the gateway (REST), Kafka and the host services between the cluster's two hosts,
 * in each {@link MigrationMode}. The container moves back and forth (A -> B, then B -> A), its memory checked
 * after every move. A mode the gateway refuses, that fails, or that the event log shows was not carried out
 * is reported as n/a with the reason and not tried again in this run.
 */
final class MigrationRound {
    private static final Duration MIGRATION_TIMEOUT = Duration.ofMinutes(15);
    private static final Duration PAGES_TIMEOUT = Duration.ofMinutes(5);
    private static final Set<String> TERMINAL = Set.of("COMPLETED", "ROLLED_BACK", "FAILED");

    private final FerryCluster cluster;
    private final List<String> labels;
    private final Map<MigrationMode, String> unavailable = new EnumMap<>(MigrationMode.class);

    /** The workload container in the cluster: where it runs now and its start checksum. */
    static final class Placement {
        final Workload workload;
        final String name;
        int at;
        String sum;

        Placement(Workload workload, String name) {
            this.workload = workload;
            this.name = name;
        }
    }

    /**
     * One migration: its stages (null when it did not complete), and why the mode is not available (null when it
     * ran as asked; a completed migration that ran another way has both).
     */
    record Outcome(StageBreakdown stages, String notAvailable) {
    }

    MigrationRound(FerryCluster cluster, List<String> labels) {
        this.cluster = cluster;
        this.labels = labels;
    }

    private TestHost host(int i) {
        return cluster.node(labels.get(i)).host();
    }

    private LocalContainer on(Placement p, int i) {
        return new LocalContainer(host(i), p.name);
    }

    /** Starts the workload on the first host and waits for its memory to be filled. */
    Placement place(Workload w, String name) {
        Placement p = new Placement(w, name);
        remove(p);
        host(0).run(name, w.script());
        p.at = 0;
        p.sum = MemoryProbe.awaitStarted(on(p, 0), Duration.ofMinutes(15));
        return p;
    }

    Outcome migrate(Placement p, MigrationMode mode, int round) {
        if (unavailable.containsKey(mode)) {
            return new Outcome(null, unavailable.get(mode));
        }
        int from = p.at;
        int to = 1 - from;
        String src = cluster.hostId(labels.get(from));
        String dst = cluster.hostId(labels.get(to));
        FerryCluster.await(() -> cluster.get("/api/hosts/" + src + "/containers").body().contains("\"" + p.name + "\""),
                Duration.ofSeconds(60), "the gateway to see " + p.name + " on " + src);
        int counterBefore = MemoryProbe.lastNumber(on(p, from).lines());

        HttpResponse<String> posted = cluster.post("/api/migrations", mode.requestJson(p.name, src, dst));
        if (posted.statusCode() / 100 != 2) {
            return notAvailable(mode, "gateway refused: HTTP " + posted.statusCode() + " " + detail(posted.body()));
        }
        String id = posted.headers().firstValue("Location").orElseThrow().replaceFirst(".*/", "");
        JsonNode view = cluster.awaitMigration(id, TERMINAL, MIGRATION_TIMEOUT);
        String state = view.path("state").asString();
        if (!state.equals("COMPLETED")) {
            relocate(p);
            return notAvailable(mode, "migration " + state + ": " + view.path("error").asString(""));
        }
        p.at = to;
        MemoryProbe.verify(mode.column.title + " migration " + id + " (" + p.workload.label() + ", " + src + " -> " + dst + ")",
                on(p, to), p.sum, counterBefore);
        MigrationEvents events = events(id);
        if (MigrationMode.ranPostCopy(events)) { // the copy depends on the source until every page has arrived
            long deadline = System.nanoTime() + PAGES_TIMEOUT.toNanos();
            while (!events.has("PagesTransferred") && !events.has("PostCopyFailed") && System.nanoTime() < deadline) {
                MemoryProbe.sleep(200);
                events = events(id);
            }
            if (!events.has("PagesTransferred") && !events.has("PostCopyFailed")) {
                System.err.println("migration " + id + ": no PagesTransferred within " + PAGES_TIMEOUT + "; going on");
            }
            if (events.has("PostCopyFailed")) {
                throw new IllegalStateException("post-copy of migration " + id + " failed after COMPLETED: "
                        + events.first("PostCopyFailed").orElseThrow());
            }
        }
        awaitRegistryCopy(id, events);
        FerryCluster.await(() -> !cluster.get("/api/hosts/" + src + "/containers").body().contains("\"" + p.name + "\""),
                Duration.ofSeconds(120), "the gateway to see " + p.name + " gone from " + src);
        view = Json.MAPPER.readTree(cluster.get("/api/migrations/" + id).body());
        StageBreakdown stages = StageBreakdown.of(p.workload.label(), mode, round + 1, src, dst, events, view);
        String instead = mode.notCarriedOut(events);
        if (instead != null) {
            unavailable.put(mode, instead);
            System.err.println(mode.column.title + ": n/a (" + instead + ")");
        }
        return new Outcome(stages, instead);
    }

    /**
     * A direct migration's registry copy is written after it completed, from the source's kept images, and the
     * stopped source copy stays listed until then: waited for, so that it neither blocks the next move back
     * (a container of that name is still there) nor competes for the CPU with the next measurement.
     */
    private void awaitRegistryCopy(String id, MigrationEvents events) {
        if (!events.has("CheckpointCompleted") || !events.first("CheckpointCompleted").orElseThrow().path("direct").asBoolean()
                || MigrationMode.ranPostCopy(events)) {
            return;
        }
        long deadline = System.nanoTime() + PAGES_TIMEOUT.toNanos();
        while (!events.has("ArchiveStored") && !events.has("ArchiveStoreFailed") && System.nanoTime() < deadline) {
            MemoryProbe.sleep(200);
            events = events(id);
        }
        if (!events.has("ArchiveStored")) {
            System.err.println("migration " + id + ": no ArchiveStored within " + PAGES_TIMEOUT + "; going on");
        }
    }

    private Outcome notAvailable(MigrationMode mode, String reason) {
        unavailable.put(mode, reason);
        System.err.println(mode.column.title + ": n/a (" + reason + ")");
        return new Outcome(null, reason);
    }

    /** After a migration that did not complete: find the container again, or start it anew if it is gone. */
    private void relocate(Placement p) {
        for (int i = 0; i < labels.size(); i++) {
            if (host(i).engine().find(p.name).filter(ContainerView::running).isPresent()) {
                p.at = i;
                return;
            }
        }
        System.err.println(p.name + " runs on neither host after the failed migration: starting it again");
        Placement fresh = place(p.workload, p.name);
        p.at = fresh.at;
        p.sum = fresh.sum;
    }

    /** Removes the workload container wherever it is. */
    void remove(Placement p) {
        for (int i = 0; i < labels.size(); i++) {
            TestHost h = host(i);
            h.engine().find(p.name).ifPresent(v -> h.engine().containers().remove(v.record().id(), true));
        }
    }

    private MigrationEvents events(String id) {
        List<JsonNode> list = new ArrayList<>();
        Json.MAPPER.readTree(cluster.get("/api/migrations/" + id + "/events").body()).forEach(list::add);
        return new MigrationEvents(list);
    }

    private static String detail(String body) {
        try {
            JsonNode n = Json.MAPPER.readTree(body);
            return n.path("detail").asString(body);
        } catch (RuntimeException e) {
            return body.length() > 200 ? body.substring(0, 200) : body;
        }
    }
}
