package io.ferry.core.container;

import io.ferry.core.host.Host;
import io.ferry.core.runtime.RuntimeState;
import io.ferry.protocol.Identifiers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/** Finds what the engine made without a record: runc containers of this host and container directories. */
final class Orphans {
    private Orphans() {
    }

    static List<Orphan> find(Host host, ContainerStore store, Map<String, RuntimeState> states) {
        TreeSet<String> ids = new TreeSet<>(states.keySet());
        ids.addAll(dirNames(host.runcRoot()));
        ids.addAll(dirNames(host.containers()));
        List<Orphan> out = new ArrayList<>();
        for (String id : ids) {
            if (!isContainerId(id) || Files.exists(store.layout(id).record())) {
                continue;
            }
            RuntimeState s = states.getOrDefault(id, RuntimeState.MISSING);
            boolean dir = Files.isDirectory(store.layout(id).dir());
            String what = (s == RuntimeState.MISSING ? "" : "a runc container, ")
                    + (dir ? "its directory" : "no directory") + ", no record";
            out.add(new Orphan(id, s.status(), what));
        }
        return out;
    }

    private static boolean isContainerId(String name) {
        try {
            Identifiers.containerId("container id", name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static List<String> dirNames(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
