package io.ferry.registry.config;

import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Tomcat's socket read buffer, raised from 8 KiB: a blob body is read in pieces of this size, and at
 * 8 KiB a 1 GiB upload is 131072 reads, each through Tomcat's input buffer and filters. 64 KiB keeps
 * the per-connection memory small (it is held while a connection is open) and the reads few.
 */
@Configuration(proxyBeanMethods = false)
public class BlobConnector {
    static final int READ_BUFFER = 64 << 10;

    @Bean
    TomcatConnectorCustomizer blobReadBuffer() {
        return connector -> connector.setProperty("socket.appReadBufSize", String.valueOf(READ_BUFFER));
    }
}
