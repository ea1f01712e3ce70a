package io.ferry.spring.host;

import io.ferry.core.container.Reconciliation;
import io.ferry.core.engine.FerryEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * When a host service starts, before its listeners take a command: the host's records are made to
 * agree with what really runs ({@link FerryEngine#reconcile}), so what a killed service left behind is
 * adopted or removed before anything is decided on it. First the host's container networks are set up again
 * (bridges, overlays, NAT and published ports a reboot or a flushed firewall took), so adopted copies are reachable.
 */
@Component
public class StartupReconciliation implements SmartInitializingSingleton {
    private static final Logger log = LoggerFactory.getLogger(StartupReconciliation.class);

    private final FerryEngine engine;

    public StartupReconciliation(FerryEngine engine) {
        this.engine = engine;
    }

    @Override
    public void afterSingletonsInstantiated() {
        try {
            engine.networks().restoreHostState();
        } catch (RuntimeException e) { // containers without a network still run and move: keep the service up
            log.error("setting up host {}'s container networks again failed: {}", engine.host().id(), e.getMessage(), e);
        }
        try {
            report(engine.reconcile());
        } catch (RuntimeException e) { // each restore reconciles again: a failure here must not keep the service down
            log.error("reconciling host {} at start failed: {}", engine.host().id(), e.getMessage(), e);
        }
    }

    static void report(Reconciliation r) {
        if (!r.adopted().isEmpty()) {
            log.warn("adopted containers a killed restore left running: {}", r.adopted());
        }
        if (!r.removed().isEmpty()) {
            log.warn("removed half-made containers of killed restores: {}", r.removed());
        }
        if (!r.staging().isEmpty()) {
            log.info("removed the staging directories of killed restores: {}", r.staging());
        }
        r.orphans().forEach(o -> log.warn("container {} runs without a record ({}): see ferry ps -a, remove with ferry rm -f",
                o.id(), o.what()));
    }
}
