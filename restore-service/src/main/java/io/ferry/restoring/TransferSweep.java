package io.ferry.restoring;

import io.ferry.core.engine.FerryEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * At start, before any transfer or command is taken: direct transfers a killed restore-service was
 * receiving (no stream writes them any more), and staged ones no restore took in time, are removed.
 * Only this service receives transfers, so nothing else on the host is writing them.
 */
@Component
public class TransferSweep implements SmartInitializingSingleton {
    private static final Logger log = LoggerFactory.getLogger(TransferSweep.class);
    private final FerryEngine engine;
    private final TransferProperties properties;

    public TransferSweep(FerryEngine engine, TransferProperties properties) {
        this.engine = engine;
        this.properties = properties;
    }

    @Override
    public void afterSingletonsInstantiated() {
        try {
            List<String> removed = engine.transfers().sweep(properties.staleAfter());
            if (!removed.isEmpty()) {
                log.warn("removed staged direct transfers at start: {}", removed);
            }
        } catch (RuntimeException e) {
            log.error("sweeping the staged direct transfers failed: {}", e.getMessage(), e);
        }
    }
}
