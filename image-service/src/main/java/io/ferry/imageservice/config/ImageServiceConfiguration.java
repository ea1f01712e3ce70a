package io.ferry.imageservice.config;

import io.ferry.core.tar.ArchiveLimits;
import io.ferry.core.host.Host;
import io.ferry.core.image.ImagePuller;
import io.ferry.core.image.ImagePusher;
import io.ferry.core.image.ImageStore;
import io.ferry.core.image.RegistryClients;
import io.ferry.core.registry.Credentials;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The engine's image parts for this host: the store (shared with the engine on disk), puller and pusher. */
@Configuration(proxyBeanMethods = false)
public class ImageServiceConfiguration {

    @Bean
    Host host(ImageServiceProperties properties) {
        return Host.of(properties.host().id(), properties.host().root());
    }

    @Bean
    ImageStore imageStore(Host host) {
        return new ImageStore(host.images(), ArchiveLimits.defaults());
    }

    @Bean
    RegistryClients registryClients(ImageServiceProperties properties) {
        Credentials credentials = Credentials.parse(properties.registryAuth() != null ? properties.registryAuth()
                : System.getenv("FERRY_REGISTRY_AUTH"));
        return new RegistryClients(registry -> credentials, properties.tlsVerify());
    }

    @Bean
    ImagePuller imagePuller(ImageStore store, RegistryClients clients, Host host) {
        return new ImagePuller(store, clients, host.images().resolve("downloads"));
    }

    @Bean
    ImagePusher imagePusher(ImageStore store, RegistryClients clients, Host host) {
        return new ImagePusher(store, clients, host.tmp());
    }
}
