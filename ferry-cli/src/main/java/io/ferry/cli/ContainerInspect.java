package io.ferry.cli;

import io.ferry.core.container.CheckpointHistory;
import io.ferry.core.container.ContainerRecord;
import io.ferry.core.container.ContainerView;
import io.ferry.core.container.VolumeMount;
import io.ferry.core.engine.FerryEngine;
import io.ferry.core.network.NetworkAttachment;
import io.ferry.core.network.PortMapping;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code ferry container inspect CONTAINER} (and {@code ferry inspect CONTAINER}): Podman's container inspect
 * JSON, the fields Ferry has: State with the checkpoint/restore flags, times and CRIU log paths, Mounts,
 * NetworkSettings; and a "Ferry" key naming the archive or migration it was restored from.
 */
final class ContainerInspect {
    /** Go's zero time, as Podman prints a time that never happened. */
    static final String ZERO_TIME = "0001-01-01T00:00:00Z";

    private ContainerInspect() {
    }

    static Map<String, Object> of(FerryEngine engine, ContainerView view) {
        return of(view, engine.networkOf(view.record().id()).orElse(null),
                engine.keptCheckpoint(view.record().id()).map(Object::toString).orElse(""),
                volume -> engine.volumeMountpoint(volume).map(Path::toString).orElse(""));
    }

    static Map<String, Object> of(ContainerView view, NetworkAttachment attachment, String checkpointPath,
                                  Function<String, String> volumeSource) {
        ContainerRecord r = view.record();
        var c = r.config();
        CheckpointHistory h = r.historyOrNone();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("Id", c.id());
        out.put("Created", c.created().toString());
        out.put("Path", c.command().isEmpty() ? "" : c.command().get(0));
        out.put("Args", c.command().size() <= 1 ? List.of() : c.command().subList(1, c.command().size()));
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("Status", view.status());
        state.put("Running", view.running());
        state.put("Paused", view.status().equals("paused"));
        state.put("Pid", view.pid());
        state.put("StartedAt", time(r.startedAt()));
        state.put("FinishedAt", time(r.finishedAt()));
        state.put("Checkpointed", r.checkpointed());
        state.put("CheckpointedAt", time(h.checkpointedAt()));
        state.put("Restored", h.wasRestored());
        state.put("RestoredAt", time(h.restoredAt()));
        state.put("CheckpointLog", h.checkpointLog() == null ? "" : h.checkpointLog());
        state.put("CheckpointPath", checkpointPath);
        state.put("RestoreLog", h.restoreLog() == null ? "" : h.restoreLog());
        out.put("State", state);
        out.put("Image", c.imageId());
        out.put("ImageName", c.image());
        out.put("Name", c.name());
        List<Map<String, Object>> mounts = new ArrayList<>();
        for (VolumeMount v : c.volumes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("Type", "volume");
            m.put("Name", v.name());
            m.put("Source", volumeSource.apply(v.name()));
            m.put("Destination", v.destination());
            m.put("Driver", "local");
            m.put("RW", !v.readOnly());
            mounts.add(m);
        }
        out.put("Mounts", mounts);
        out.put("NetworkSettings", networkSettings(c.networkOrNone().ports(), attachment));
        Map<String, Object> ferry = new LinkedHashMap<>();
        ferry.put("RestoredFrom", r.restoredFrom() == null ? "" : r.restoredFrom());
        ferry.put("MigrationId", r.migrationId() == null ? "" : r.migrationId());
        ferry.put("CheckpointFileLocks", h.heldFileLocks());
        out.put("Ferry", ferry);
        return out;
    }

    private static String time(Instant t) {
        return t == null ? ZERO_TIME : t.toString();
    }

    /** Podman's shape: addresses of the (one) network at the top and under Networks, Ports by container port. */
    static Map<String, Object> networkSettings(List<PortMapping> ports, NetworkAttachment a) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("IPAddress", a == null ? "" : a.ip());
        settings.put("IPPrefixLen", a == null ? 0 : a.prefixLength());
        settings.put("Gateway", a == null || a.gateway() == null ? "" : a.gateway());
        settings.put("MacAddress", a == null ? "" : a.mac());
        Map<String, List<Map<String, String>>> byPort = new LinkedHashMap<>();
        for (PortMapping p : a == null ? ports : a.ports()) {
            Map<String, String> binding = new LinkedHashMap<>();
            binding.put("HostIp", p.hostIp() == null ? "0.0.0.0" : p.hostIp());
            binding.put("HostPort", Integer.toString(p.hostPort()));
            byPort.computeIfAbsent(p.containerPort() + "/" + p.protocol(), k -> new ArrayList<>()).add(binding);
        }
        settings.put("Ports", byPort);
        Map<String, Object> networks = new LinkedHashMap<>();
        if (a != null) {
            Map<String, Object> net = new LinkedHashMap<>();
            net.put("IPAddress", a.ip());
            net.put("IPPrefixLen", a.prefixLength());
            net.put("Gateway", a.gateway() == null ? "" : a.gateway());
            net.put("MacAddress", a.mac());
            net.put("InterfaceName", a.interfaceName());
            networks.put(a.network(), net);
        }
        settings.put("Networks", networks);
        return settings;
    }
}
