package io.ferry.core.image;

import io.ferry.core.registry.RegistryAuth;
import io.ferry.core.registry.RegistryClient;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** One {@link RegistryClient} per registry host (tokens are cached per client), with the host-scoped credentials. */
public final class RegistryClients {
    private final RegistryAuth auth;
    private final boolean tlsVerify;
    private final Map<String, RegistryClient> clients = new ConcurrentHashMap<>();

    /**
     * @param auth      credentials per registry host; each is sent only to its own host
     * @param tlsVerify false: plain HTTP to every registry (Podman's --tls-verify=false on a lab network)
     */
    public RegistryClients(RegistryAuth auth, boolean tlsVerify) {
        this.auth = auth;
        this.tlsVerify = tlsVerify;
    }

    public RegistryClient client(String registry) {
        return clients.computeIfAbsent(registry, r -> new RegistryClient(r, auth,
                !tlsVerify || RegistryClient.plainHttpByDefault(r)));
    }
}
