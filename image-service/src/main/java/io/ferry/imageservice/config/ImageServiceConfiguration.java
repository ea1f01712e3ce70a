package io.ferry.imageservice.config;

import io.ferry.core.engine.EngineSettings;
import io.ferry.core.engine.Images;
import io.ferry.core.host.Host;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.List;

/** The engine's image use cases for this host (its store is shared with the engine on disk). */
@Configuration(proxyBeanMethods = false)
public class ImageServiceConfiguration {

    @Bean
    Host host(ImageServiceProperties properties) {
        return Host.of(properties.host().id(), properties.host().root());
    }

    @Bean
    Images images(Host host, ImageServiceProperties properties) {
        String auth = properties.registryAuth() != null ? properties.registryAuth() : System.getenv("FERRY_REGISTRY_AUTH");
        EngineSettings settings = EngineSettings.defaults()
                .withRegistryAuthFile(properties.registryAuthFile())
                .withRegistryAuth(auth, "ferry.registry-auth")
                .withAllowedRegistries(properties.allowedRegistries() == null ? List.of() : properties.allowedRegistries())
                .withTlsVerify(properties.tlsVerify());
        return Images.open(host, settings);
    }
}
