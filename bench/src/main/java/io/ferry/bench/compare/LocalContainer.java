package io.ferry.bench.compare;

import io.ferry.core.testing.TestHost;

import java.util.List;

/** A workload container on a Ferry host (the engine's store names it): its log and SIGUSR1 through runc. */
record LocalContainer(TestHost host, String name) implements MemoryProbe.Target {
    @Override
    public List<String> lines() {
        return host.log(name).lines();
    }

    @Override
    public void signalUsr1() {
        host.engine().runtime().kill(id(), "USR1");
    }

    String id() {
        return host.engine().containers().get(name).id();
    }
}
