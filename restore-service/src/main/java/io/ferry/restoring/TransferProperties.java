package io.ferry.restoring;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import java.time.Duration;

/**
 * {@code ferry.host.transfer.*}: direct transfers to this host (issue 11).
 *
 * @param memoryLimit the most the transfers under way together unpack into memory (a tmpfs each, sized by what
 *                    its source announced); never more than half of MemAvailable;
 *                    larger transfers go to disk (0B: always disk)
 * @param staleAfter  a staged transfer no restore took within this time is removed at the next start
 * @param advertisedUrl the URL the heartbeat advertises (read by the heartbeat; built from the port when empty)
 * @param address     the address in the built URL (server.address, else this machine's, when empty)
 */
@ConfigurationProperties("ferry.host.transfer")
public record TransferProperties(@DefaultValue("4GB") DataSize memoryLimit, @DefaultValue("15m") Duration staleAfter,
                                 String advertisedUrl, String address) {
}
