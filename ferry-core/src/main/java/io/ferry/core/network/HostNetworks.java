package io.ferry.core.network;

import io.ferry.core.host.Host;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * This host's container networks: bridges, VXLAN overlays, address management, port publishing.
 * SKELETON (issue 12): to be implemented; containers without a network never reach it.
 */
public final class HostNetworks implements ContainerNetworking {
    private final Host host;

    public HostNetworks(Host host) {
        this.host = host;
    }

    @Override
    public NetworkConfig create(NetworkCreateRequest request) {
        throw new UnsupportedOperationException("networks are not implemented yet");
    }

    @Override
    public List<NetworkConfig> list() {
        return List.of();
    }

    @Override
    public NetworkConfig inspect(String name) {
        throw new UnsupportedOperationException("networks are not implemented yet");
    }

    @Override
    public void remove(String name, boolean force) {
        throw new UnsupportedOperationException("networks are not implemented yet");
    }

    @Override
    public void restoreHostState() {
    }

    @Override
    public NetworkAttachment attach(String containerId, String hostname, NetworkRequest request, String keepIp,
                                    String keepMac, Path netnsPath, Path filesDir) {
        throw new UnsupportedOperationException("networks are not implemented yet");
    }

    @Override
    public Optional<NetworkAttachment> attachment(String containerId) {
        return Optional.empty();
    }

    @Override
    public void publish(String containerId) {
    }

    @Override
    public void unpublish(String containerId) {
    }

    @Override
    public void withdraw(String containerId) {
    }

    @Override
    public void announce(String containerId) {
    }

    @Override
    public void detach(String containerId) {
    }

    @Override
    public List<HostNetworkSummary> summaries() {
        return List.of();
    }
}
