package io.ferry.bench.chaos;

import io.ferry.core.runtime.Cgroups;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * What really runs on a host, from runc itself (its state dir under the host's root), not from Ferry's
 * records: a copy that the engine made but never recorded (issue 14 #1) is seen too. The counter is
 * read from each copy's ctr.log.
 */
record Reality(String host, List<String> running, List<String> stopped, boolean restorable) {
    private static final String RUNC = "runc";

    static Reality of(String host, Path root) {
        List<String> running = new ArrayList<>();
        List<String> stopped = new ArrayList<>();
        for (JsonNode c : list(root)) {
            String status = c.path("status").asString();
            (status.equals("running") || status.equals("paused") ? running : stopped).add(c.path("id").asString());
        }
        return new Reality(host, running, stopped, keptImages(root));
    }

    boolean runs() {
        return !running.isEmpty();
    }

    /** The counter of the (first) running copy: the last number in its log. */
    OptionalLong counter(Path root) {
        return running.isEmpty() ? OptionalLong.empty() : lastCounter(root, running.get(0));
    }

    static List<Long> counters(Path root, String id) {
        List<Long> values = new ArrayList<>();
        Path log = root.resolve("containers").resolve(id).resolve("ctr.log");
        try {
            for (String l : Files.readAllLines(log)) {
                String s = l.strip();
                if (s.matches("[0-9]{1,18}")) {
                    values.add(Long.parseLong(s));
                }
            }
        } catch (IOException e) {
            // no log (yet)
        }
        return values;
    }

    static OptionalLong lastCounter(Path root, String id) {
        List<Long> v = counters(root, id);
        return v.isEmpty() ? OptionalLong.empty() : OptionalLong.of(v.get(v.size() - 1));
    }

    /** A stopped container with its CRIU images kept here: restorable in place (what a rollback does). */
    private static boolean keptImages(Path root) {
        Path containers = root.resolve("containers");
        if (!Files.isDirectory(containers)) {
            return false;
        }
        try (var dirs = Files.list(containers)) {
            return dirs.anyMatch(d -> Files.isRegularFile(d.resolve("container.json"))
                    && Files.isDirectory(d.resolve("checkpoint")) && nonEmpty(d.resolve("checkpoint")));
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean nonEmpty(Path dir) {
        try (var s = Files.list(dir)) {
            return s.findAny().isPresent();
        } catch (IOException e) {
            return false;
        }
    }

    static List<JsonNode> list(Path root) {
        Path state = root.resolve("runc");
        if (!Files.isDirectory(state)) {
            return List.of();
        }
        Sh.Result r = Sh.run(RUNC, "--root", state.toString(), "list", "--format", "json");
        int json = r.out().indexOf("[{"); // runc also says on stderr what it could not load ("load container ...")
        if (json < 0) {
            return List.of();
        }
        List<JsonNode> all = new ArrayList<>();
        JsonMapper.shared().readTree(r.out().substring(json, r.out().lastIndexOf(']') + 1)).forEach(all::add);
        return all;
    }

    /** Kills and deletes one runc container (one the engine may not know of: no record). */
    static void killRunc(Path root, String id) {
        String state = root.resolve("runc").toString();
        Sh.run(RUNC, "--root", state, "kill", id, "KILL");
        for (int i = 0; i < 20; i++) {
            if (Sh.run(RUNC, "--root", state, "delete", "-f", id).ok()) {
                break;
            }
            Waits.sleep(250);
        }
        ChaosTopology.unmountUnder(root.resolve("containers").resolve(id));
        Sh.run("ip", "netns", "delete", "ferry-" + root.getFileName() + "-" + id); // Host#netnsName: the root is named by its host
    }

    /** Every runc container under this host's root, and their mounts: the suite made them all. */
    static void removeAllContainers(Path root) {
        for (JsonNode c : list(root)) {
            killRunc(root, c.path("id").asString());
        }
        ChaosTopology.unmountUnder(root);
        // runc took the containers' own cgroups; the host's parent (/ferry/<host>) is Ferry's, and Ferry did not remove them here
        Cgroups.removeEmptyParent("/ferry/" + root.getFileName() + "/-");
    }
}
