package io.ferry.bench.chaos;

import io.ferry.core.engine.EngineSettings;
import io.ferry.core.engine.FerryEngine;
import io.ferry.core.host.Host;
import io.ferry.core.testing.ServiceProcess;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The chaos suite (issue 14): real migrations of a counting container between the demo's two hosts,
 * one fault per run (chosen by seed, at a stage chosen by seed), then a check of reality on both hosts
 * against what the gateway says. Counts lost, duplicated, stuck, state mismatches and counter breaks;
 * exits 1 when any is above zero (unless --no-fail). With --network-proof it then runs issue 12's network proof
 * ({@link io.ferry.bench.net.NetworkProof}) on the same topology and exits 1 when any of its assertions fails.
 * See docs/chaos.md.
 * Usage: {@code bench/run.sh chaos [--runs N] [--seed S] [--faults LIST] [--bound SECONDS] [--pause SECONDS] [--no-fail]
 * [--network-proof]}.
 */
public final class ChaosBench {
    static final String CONTAINER = "looper";
    private static final Set<String> TERMINAL = Set.of("COMPLETED", "ROLLED_BACK", "FAILED");

    private final Path repo;
    private final Path state;
    private final String net;
    private final Duration bound;
    private ChaosTopology topo;
    private String at = ChaosTopology.A; // where the looper runs between runs
    private int rebuilds;
    private final String startedAt = java.time.LocalDateTime.now().withNano(0).toString().replace(':', '-');

    private ChaosBench(Path repo, Path state, String net, Duration bound) {
        this.repo = repo;
        this.state = state;
        this.net = net;
        this.bound = bound;
    }

    public static void main(String[] args) throws Exception {
        int runs = 6;
        long seed = System.currentTimeMillis() % 100000;
        String faults = Fault.DEFAULT;
        int boundSeconds = 150;
        int pause = 20;
        boolean noFail = false;
        boolean networkProof = false;
        Path state = Path.of("/var/lib/ferry/chaos");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--faults" -> faults = args[++i];
                case "--bound" -> boundSeconds = Integer.parseInt(args[++i]);
                case "--pause" -> pause = Integer.parseInt(args[++i]);
                case "--state" -> state = Path.of(args[++i]);
                case "--no-fail" -> noFail = true;
                case "--network-proof" -> networkProof = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--runs N --seed S --faults LIST --bound SECONDS --pause SECONDS --state DIR --no-fail --network-proof)");
            }
        }
        List<Fault> plan = plan(faults, pause, runs, seed);
        Path repo = Path.of(System.getProperty("ferry.repo", ".")).toAbsolutePath().normalize();
        ChaosBench bench = new ChaosBench(repo, state, System.getProperty("ferry.chaos.net", "10.88.99"),
                Duration.ofSeconds(boundSeconds));
        Thread hook = new Thread(bench::shutdown);
        Runtime.getRuntime().addShutdownHook(hook);
        int failures = bench.run(plan, seed);
        boolean proofHeld = !networkProof || bench.networkProof();
        bench.shutdown();
        Runtime.getRuntime().removeShutdownHook(hook);
        System.exit((failures > 0 && !noFail) || !proofHeld ? 1 : 0);
    }

    /** Faults shuffled by seed and cycled (each once before any repeats); a missing stage drawn by seed. */
    static List<Fault> plan(String faults, int pause, int runs, long seed) {
        Random random = new Random(seed);
        List<Fault> pool = new ArrayList<>();
        for (String f : faults.split(",")) {
            if (!f.isBlank()) {
                pool.add(Fault.parse(f, pause));
            }
        }
        List<Fault> plan = new ArrayList<>();
        while (plan.size() < runs) {
            List<Fault> round = new ArrayList<>(pool);
            Collections.shuffle(round, random);
            for (Fault f : round) {
                if (plan.size() < runs) {
                    plan.add(f.staged() && f.stage() == null ? f.at(Fault.STAGES.get(random.nextInt(Fault.STAGES.size()))) : f);
                }
            }
        }
        return plan;
    }

    /** Issue 12's network proof on this topology, after the fault runs; false (and says why) when it failed. */
    private boolean networkProof() throws IOException {
        long t0 = System.nanoTime();
        System.err.println("chaos: network proof: web moves " + topo.hostA() + " -> " + topo.hostB()
                + " with tcpEstablished, a client polls it and holds a connection");
        List<String> failed = new io.ferry.bench.net.NetworkProof(topo,
                java.nio.file.Files.createDirectories(state.resolve("proof")), "chaos").run(); // close removes the state
        double secs = (System.nanoTime() - t0) / 1e9;
        if (failed.isEmpty()) {
            System.out.printf(Locale.ROOT, "%nNetwork proof: held (%.0f s)%n", secs);
            return true;
        }
        System.out.printf(Locale.ROOT, "%nNetwork proof: FAILED (%.0f s), %d assertion(s):%n", secs, failed.size());
        failed.forEach(f -> System.out.println("  - " + f.strip().replace("\n", "\n    ")));
        System.err.println("chaos: the network proof FAILED: " + failed.get(0).lines().findFirst().orElse(""));
        return false;
    }

    private synchronized void shutdown() {
        if (topo != null) {
            topo.close();
            topo = null;
        }
    }

    private int run(List<Fault> plan, long seed) throws IOException {
        long t0 = System.nanoTime();
        setUp();
        System.err.printf(Locale.ROOT, "chaos: topology up in %.0f s; %d runs, seed %d%n", (System.nanoTime() - t0) / 1e9,
                plan.size(), seed);
        List<RunResult> results = new ArrayList<>();
        for (int i = 0; i < plan.size(); i++) {
            System.err.printf("chaos: run %d/%d: %s%n", i + 1, plan.size(), plan.get(i));
            RunResult r = runOne(i + 1, plan.get(i), seed);
            results.add(r);
            System.err.println(RunResult.header().lines().findFirst().orElseThrow());
            System.err.println(r.row());
        }
        print(results, seed, (System.nanoTime() - t0) / 1e9);
        return results.stream().mapToInt(RunResult::failures).sum();
    }

    private void setUp() throws IOException {
        topo = new ChaosTopology(repo, state, net, repo.resolve("bench/target/chaos-logs/" + startedAt + "-" + (rebuilds + 1)));
        topo.start();
        topo.startLooper(ChaosTopology.A);
        at = ChaosTopology.A;
        awaitSeen(at);
    }

    private RunResult runOne(int n, Fault fault, long seed) {
        long start = System.nanoTime();
        String src = at;
        String tgt = src.equals(ChaosTopology.A) ? ChaosTopology.B : ChaosTopology.A;
        RunResult r = new RunResult();
        r.run = n;
        r.fault = fault.toString();
        r.direction = src.equals(ChaosTopology.A) ? "A->B" : "B->A";
        long startCounter = topo.root(src) == null ? 0 : Reality.of(src, topo.root(src)).counter(topo.root(src)).orElse(0);
        AtomicLong maxSeen = new AtomicLong(startCounter);
        String failpointService = null;
        if (fault.kind().equals("failpoint")) {
            failpointService = fault.serviceKey(src, tgt);
            topo.service(failpointService).restartWith(Map.of("FERRY_FAILPOINTS", fault.arg() + "=halt"));
            String host = failpointService.startsWith("chaos-") ? failpointService.substring(0, 7) : null;
            if (host != null) {
                Waits.within(() -> topo.api().hostUp(host), Duration.ofSeconds(90));
            }
        }
        List<String> ids = new ArrayList<>();
        Set<String> refused = new java.util.HashSet<>();
        String id = "chaos-" + seed + "-" + n + "-" + Long.toHexString(System.nanoTime() & 0xffff);
        try {
            ids.addAll(request(fault, id, src, tgt, r, refused));
        } catch (IOException e) {
            r.notes.add("POST failed: " + e.getMessage());
        }
        AtomicReference<String> injected = new AtomicReference<>("-");
        CompletableFuture<Void> injector = CompletableFuture.runAsync(() -> {
            if (fault.staged() && !ids.isEmpty()) {
                injected.set(awaitStage(ids.get(0), fault.stage()));
                inject(fault, src, tgt);
            }
        });
        String failpointKey = failpointService;
        Map<String, String> states = new LinkedHashMap<>();
        boolean terminal = Waits.within(() -> {
            sample(maxSeen);
            if (failpointKey != null && !topo.service(failpointKey).alive()) {
                r.notes.add("failpoint halted " + failpointKey);
                topo.service(failpointKey).restart();
            }
            for (String m : ids) {
                topo.api().migration(m).ifPresent(v -> states.put(m, v.path("state").asString()
                        + (v.path("error").isMissingNode() || v.path("error").isNull() ? "" : ": " + v.path("error").asString())));
            }
            return injector.isDone() && ids.stream().allMatch(m -> TERMINAL.contains(stateOf(states.get(m))));
        }, bound);
        if (!terminal) {
            r.stuck = 1;
            r.notes.add("not terminal within " + bound.toSeconds() + " s");
            ids.forEach(m -> topo.api().cancel(m));
        }
        injector.join();
        r.injectedAt = injected.get();
        if (failpointKey != null && topo.service(failpointKey).alive() && r.notes.stream().noneMatch(s -> s.startsWith("failpoint halted"))) {
            r.notes.add("failpoint " + fault.arg() + " not reached");
            topo.service(failpointKey).restart(); // plain again for the next runs
        }
        boolean gatewayOk = heal(r);
        r.restart = gatewayOk ? 0 : 1;
        if (!terminal && gatewayOk) { // a cancel may still end it; give it a moment before looking
            Waits.within(() -> ids.stream().allMatch(m -> topo.api().migration(m)
                    .map(v -> TERMINAL.contains(v.path("state").asString())).orElse(false)), Duration.ofSeconds(30));
        }
        Waits.sleep(2000);
        check(r, ids, states, refused, src, tgt, startCounter, maxSeen.get(), (System.nanoTime() - start) / 1e9);
        repair(r, gatewayOk, src, tgt, ids, states);
        r.seconds = (System.nanoTime() - start) / 1e9;
        return r;
    }

    /** The ids of the migrations the run's POSTs made; a 409's id (a refusal, recorded as FAILED) goes into {@code refused} too. */
    private List<String> request(Fault fault, String id, String src, String tgt, RunResult r, Set<String> refused)
            throws IOException {
        if (!fault.kind().equals("race")) {
            HttpResponse<String> resp = topo.api().requestMigration(id, CONTAINER, src, tgt);
            if (resp.statusCode() != 202) {
                r.notes.add("POST " + resp.statusCode());
                if (resp.statusCode() == 409) {
                    refused.add(id);
                    return List.of(id);
                }
                return List.of();
            }
            return List.of(id);
        }
        boolean sameId = fault.what().equals("same-id");
        List<CompletableFuture<HttpResponse<String>>> posts = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            posts.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return topo.api().requestMigration(sameId ? id : null, CONTAINER, src, tgt);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        List<String> ids = new ArrayList<>();
        List<Integer> codes = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> p : posts) {
            HttpResponse<String> resp = p.join();
            codes.add(resp.statusCode());
            String location = resp.headers().firstValue("Location").map(l -> l.replaceFirst(".*/", "")).orElse(null);
            if (location != null && !ids.contains(location)) {
                ids.add(location);
                if (resp.statusCode() == 409) {
                    refused.add(location);
                }
            }
        }
        r.notes.add("POSTs " + codes);
        return ids;
    }

    /** Polls the migration until it reaches {@code stage} (or ends); returns the state it was in then. */
    private String awaitStage(String id, String stage) {
        int want = Fault.STAGES.indexOf(stage);
        long deadline = System.nanoTime() + bound.toNanos();
        String last = "?";
        while (System.nanoTime() < deadline) {
            JsonNode m = topo.api().migration(id).orElse(null);
            if (m != null) {
                last = m.path("state").asString();
                int progress = progress(last, topo.api().events(id).orElse(null));
                if (progress >= want) {
                    return stage + " (" + last + ")";
                }
                if (TERMINAL.contains(last)) {
                    return "late (" + last + ")";
                }
            }
            Waits.sleep(100);
        }
        return "never (" + last + ")";
    }

    private static int progress(String state, JsonNode events) {
        int p = switch (state) {
            case "CHECKPOINTING" -> 1;
            case "UPLOADING" -> 3;
            case "RESTORING" -> 4;
            case "FINALIZING" -> 5;
            default -> 0;
        };
        if (events != null) {
            for (JsonNode e : events) {
                p = Math.max(p, switch (e.path("type").asString()) {
                    case "CheckpointStarted" -> 1;
                    case "CheckpointDumped" -> 2;
                    case "UploadProgress", "CheckpointCompleted" -> 3;
                    case "RestoreStarted", "RestoreProgress" -> 4;
                    case "RestoreCompleted", "FinalizeCommand" -> 5;
                    default -> 0;
                });
            }
        }
        return p;
    }

    private void inject(Fault fault, String src, String tgt) {
        switch (fault.kind()) {
            case "kill" -> {
                ServiceProcess s = topo.service(fault.serviceKey(src, tgt));
                s.kill();
                Waits.sleep(1000);
                s.restart(); // as a supervisor would: same argv and env
            }
            case "stop" -> {
                ServiceProcess s = topo.service(fault.serviceKey(src, tgt));
                s.pause();
                Waits.sleep(Long.parseLong(fault.arg()) * 1000);
                s.resume();
            }
            case "linkdown" -> {
                String link = topo.link(fault.what().equals("target") ? tgt : src);
                Sh.check("ip", "link", "set", link, "down");
                try {
                    Waits.sleep(Long.parseLong(fault.arg()) * 1000);
                } finally {
                    Sh.check("ip", "link", "set", link, "up");
                }
            }
            default -> {
            }
        }
    }

    /** Every running copy's counter, so a later rollback to an older checkpoint shows as going back. */
    private void sample(AtomicLong maxSeen) {
        for (String h : List.of(ChaosTopology.A, ChaosTopology.B)) {
            Path root = topo.root(h);
            for (String id : Reality.of(h, root).running()) {
                Reality.lastCounter(root, id).ifPresent(v -> maxSeen.accumulateAndGet(v, Math::max));
            }
        }
    }

    /** After the fault: every service alive again, links up; false when the gateway or registry does not come back. */
    private boolean heal(RunResult r) {
        for (String h : List.of(ChaosTopology.A, ChaosTopology.B)) {
            Sh.run("ip", "link", "set", topo.link(h), "up");
        }
        for (ServiceProcess s : topo.services().values()) {
            s.resume();
            if (!s.alive()) {
                r.notes.add(s.name() + " had exited; restarted");
                s.restart();
            }
        }
        if (!Waits.within(() -> topo.api().healthy(), Duration.ofSeconds(120))) {
            r.notes.add("gateway not healthy 120 s after the fault (" + (topo.service("gateway").alive() ? "alive" : "exited")
                    + "; see " + topo.service("gateway").log() + ")");
            return false;
        }
        try {
            topo.service("registry").awaitReady("/v2/", Set.of(200, 401), Duration.ofSeconds(90));
        } catch (IllegalStateException e) {
            r.notes.add("registry not ready 90 s after restart (" + e.getMessage() + ")");
            return false;
        }
        for (String h : List.of(ChaosTopology.A, ChaosTopology.B)) {
            if (!Waits.within(() -> topo.api().hostUp(h), Duration.ofSeconds(90))) {
                r.notes.add(h + " not up at the gateway");
            }
        }
        return true;
    }

    private void check(RunResult r, List<String> ids, Map<String, String> states, Set<String> refused, String src, String tgt,
                       long startCounter, long maxSeen, double elapsed) {
        Reality s = Reality.of(src, topo.root(src));
        Reality t = Reality.of(tgt, topo.root(tgt));
        for (String m : ids) { // the final word, after the heal
            topo.api().migration(m).ifPresent(v -> states.put(m, v.path("state").asString()
                    + (v.path("error").isMissingNode() || v.path("error").isNull() ? "" : ": " + v.path("error").asString())));
        }
        r.outcome = ids.isEmpty() ? "no migration" : String.join(" + ", ids.stream().map(m -> shortState(states.get(m))).toList());
        r.where = (s.runs() ? "src" + (s.running().size() > 1 ? "x" + s.running().size() : "") : "")
                + (s.runs() && t.runs() ? "+" : "") + (t.runs() ? "tgt" + (t.running().size() > 1 ? "x" + t.running().size() : "") : "");
        if (r.where.isEmpty()) {
            r.where = "none" + (s.restorable() || t.restorable() ? " (restorable)" : "");
        }
        if (s.running().size() + t.running().size() > 1) {
            r.duplicated = 1;
        }
        if (!s.runs() && !t.runs() && !s.restorable() && !t.restorable()) {
            r.lost = 1;
        }
        if (r.stuck == 0) {
            r.mismatch = mismatch(ids, states, refused, s, t, src, tgt) ? 1 : 0;
        }
        if (s.running().size() + t.running().size() == 1) {
            Reality where = s.runs() ? s : t;
            Path root = topo.root(where.host());
            List<Long> values = Reality.counters(root, where.running().get(0));
            long last = values.isEmpty() ? -1 : values.get(values.size() - 1);
            String broken = null;
            for (int i = 1; i < values.size() && broken == null; i++) {
                if (values.get(i - 1) >= startCounter && values.get(i) != values.get(i - 1) + 1) {
                    broken = values.get(i - 1) + " then " + values.get(i);
                }
            }
            if (broken == null && last < maxSeen) {
                broken = "now " + last + " after " + maxSeen + " was seen (work discarded)";
            }
            if (broken == null && last > startCounter + (long) elapsed + 5) {
                broken = "jumped from " + startCounter + " to " + last + " in " + (long) elapsed + " s";
            }
            if (broken == null && last < startCounter) {
                broken = "reset: " + last + " < " + startCounter;
            }
            if (broken != null) {
                r.counter = 1;
                r.notes.add("counter " + broken);
            }
        }
    }

    private static boolean mismatch(List<String> ids, Map<String, String> states, Set<String> refused, Reality s, Reality t,
                                    String src, String tgt) {
        List<String> finals = ids.stream().filter(m -> !refused.contains(m)).map(m -> states.getOrDefault(m, "")).toList();
        long completed = finals.stream().filter(x -> x.startsWith("COMPLETED")).count();
        boolean onlyTgt = t.runs() && !s.runs();
        boolean onlySrc = s.runs() && !t.runs();
        if (completed > 1) {
            return true;
        }
        if (completed == 1) {
            return !onlyTgt;
        }
        for (String f : finals) {
            if (f.startsWith("FAILED")) {
                String where = onlySrc ? src : onlyTgt ? tgt : null;
                if (where == null || !f.contains(where)) {
                    return true;
                }
            }
        }
        return !onlySrc; // rolled back, or refused (409: nothing moved)
    }

    /** Leaves the looper running on exactly one host (notes what it took), or rebuilds everything. */
    private void repair(RunResult r, boolean gatewayOk, String src, String tgt, List<String> ids, Map<String, String> states) {
        if (!gatewayOk) {
            r.notes.add("topology rebuilt");
            rebuilds++;
            shutdown();
            try {
                setUp();
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("chaos: cannot set the topology up again", e);
            }
            return;
        }
        Reality s = Reality.of(src, topo.root(src));
        Reality t = Reality.of(tgt, topo.root(tgt));
        boolean completed = ids.stream().anyMatch(m -> states.getOrDefault(m, "").startsWith("COMPLETED"));
        String keep = s.runs() && t.runs() ? (completed ? tgt : src) : s.runs() ? src : t.runs() ? tgt : null;
        if (keep == null) {
            for (String h : List.of(src, tgt)) {
                if (keep == null && Reality.of(h, topo.root(h)).restorable()) {
                    try {
                        FerryEngine.open(Host.of(h, topo.root(h)), EngineSettings.fromEnvironment(System.getenv()))
                                .restoreInPlace(CONTAINER, false);
                        keep = h;
                        r.notes.add("repair: restored in place on " + h);
                    } catch (RuntimeException e) {
                        r.notes.add("repair: restore in place on " + h + " failed: " + e.getMessage());
                    }
                }
            }
        }
        if (keep == null) {
            removeEverywhere();
            topo.startLooper(ChaosTopology.A);
            keep = ChaosTopology.A;
            r.notes.add("repair: a new looper on " + keep);
        } else {
            String other = keep.equals(src) ? tgt : src;
            Reality o = Reality.of(other, topo.root(other));
            if (o.runs() || !o.stopped().isEmpty()) {
                r.notes.add("repair: removed " + (o.runs() ? "running " : "stopped ") + "copies on " + other);
            }
            removeOn(other);
            String gone = other;
            if (!Waits.within(() -> !hostLists(gone), Duration.ofSeconds(30))) {
                r.notes.add("gateway still lists a looper on " + other + " after its removal");
            }
        }
        at = keep;
        String k = keep;
        if (!awaitSeen(k)) {
            r.notes.add("gateway does not list the looper on " + k);
        }
    }

    private void removeEverywhere() {
        removeOn(ChaosTopology.A);
        removeOn(ChaosTopology.B);
    }

    private void removeOn(String host) {
        Sh.Result rm = Sh.run(repo.resolve("ferry").toString(), "--host-id", host, "--root", topo.root(host).toString(),
                "rm", "-f", CONTAINER);
        if (!rm.ok() && !rm.out().contains("no container with name")) {
            System.err.println("chaos: ferry rm -f " + CONTAINER + " on " + host + ": " + rm.out().strip());
        }
        for (JsonNode c : Reality.list(topo.root(host))) {
            Reality.killRunc(topo.root(host), c.path("id").asString()); // copies without a record too
        }
    }

    private boolean awaitSeen(String host) {
        return Waits.within(() -> hostLists(host), Duration.ofSeconds(45));
    }

    private boolean hostLists(String host) {
        return topo.api().hostContainers(host).contains("\"" + CONTAINER + "\"");
    }

    private static String stateOf(String s) {
        return s == null ? "" : s.split(":", 2)[0];
    }

    private static String shortState(String s) {
        if (s == null) {
            return "?";
        }
        return s.length() > 90 ? s.substring(0, 90) + "…" : s;
    }

    private void print(List<RunResult> results, long seed, double totalSeconds) {
        System.out.printf(Locale.ROOT, "%nChaos suite: %d runs, seed %d, bound %d s per migration%n%n", results.size(), seed,
                bound.toSeconds());
        System.out.println(RunResult.header());
        results.forEach(r -> System.out.println(r.row()));
        int lost = results.stream().mapToInt(r -> r.lost).sum();
        int dup = results.stream().mapToInt(r -> r.duplicated).sum();
        int stuck = results.stream().mapToInt(r -> r.stuck).sum();
        int mismatch = results.stream().mapToInt(r -> r.mismatch).sum();
        int counter = results.stream().mapToInt(r -> r.counter).sum();
        int restart = results.stream().mapToInt(r -> r.restart).sum();
        List<Double> secs = results.stream().map(r -> r.seconds).sorted().toList();
        if (secs.isEmpty()) { // --runs 0: the network proof alone
            return;
        }
        System.out.printf(Locale.ROOT, "%n| lost | duplicated | stuck | state mismatch | counter | restart | runs with any | rebuilds |"
                + " s per run (median / max) | total s |%n|---|---|---|---|---|---|---|---|---|---|%n"
                + "| %d | %d | %d | %d | %d | %d | %d | %d | %.0f / %.0f | %.0f |%n", lost, dup, stuck, mismatch, counter, restart,
                results.stream().filter(r -> r.failures() > 0).count(), rebuilds, secs.get(secs.size() / 2),
                secs.get(secs.size() - 1), totalSeconds);
    }
}
