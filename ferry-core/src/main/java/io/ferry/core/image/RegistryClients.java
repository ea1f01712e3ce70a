package io.ferry.core.image;

import io.ferry.core.registry.Credentials;
import io.ferry.core.registry.RegistryClient;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** One {@link RegistryClient} per registry host (tokens are cached per client), with the credentials for it. */
public final class RegistryClients {
    private final Function<String, Credentials> credentials;
    private final boolean tlsVerify;
    private final Map<String, RegistryClient> clients = new ConcurrentHashMap<>();

    /**
     * @param credentials registry host -> credentials (or null)
     * @param tlsVerify   false: plain HTTP to every registry (Podman's --tls-verify=false on a lab network)
     */
    public RegistryClients(Function<String, Credentials> credentials, boolean tlsVerify) {
        this.credentials = credentials;
        this.tlsVerify = tlsVerify;
    }

    public RegistryClient client(String registry) {
        return clients.computeIfAbsent(registry, r -> new RegistryClient(r, credentials.apply(r),
                !tlsVerify || RegistryClient.plainHttpByDefault(r)));
    }
}
