package io.ferry.gateway.api;

import io.ferry.gateway.host.Hosts;
import io.ferry.protocol.HostHeartbeat;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/** Hosts as their services' heartbeats describe them. */
@RestController
@RequestMapping("/api/hosts")
public class HostController {
    private final Hosts hosts;

    public HostController(Hosts hosts) {
        this.hosts = hosts;
    }

    @GetMapping
    public List<Hosts.HostView> list() {
        return hosts.list();
    }

    @GetMapping("/{id}")
    public Hosts.HostView get(@PathVariable String id) {
        return hosts.get(id).orElseThrow(() -> new NotFoundProblem("no host with id " + id + " has sent a heartbeat"));
    }

    @GetMapping("/{id}/containers")
    public List<HostHeartbeat.RunningContainer> containers(@PathVariable String id) {
        return get(id).latest().containers();
    }
}
