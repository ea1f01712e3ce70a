package io.ferry.cli;

import io.ferry.core.container.ContainerView;
import io.ferry.core.network.NetworkAttachment;
import io.ferry.core.network.PortMapping;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code ferry inspect CONTAINER}: the fields of Podman's container inspect that Ferry has, NetworkSettings first of all. */
final class ContainerInspect {
    private ContainerInspect() {
    }

    static Map<String, Object> of(ContainerView view, NetworkAttachment attachment) {
        var c = view.record().config();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("Id", c.id());
        out.put("Name", c.name());
        out.put("Created", c.created().toString());
        out.put("ImageName", c.image());
        out.put("Image", c.imageId());
        out.put("Args", c.command());
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("Status", view.status());
        state.put("Running", view.running());
        state.put("Pid", view.pid());
        state.put("Checkpointed", view.record().checkpointed());
        out.put("State", state);
        out.put("NetworkSettings", networkSettings(c.networkOrNone().ports(), attachment));
        return out;
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
