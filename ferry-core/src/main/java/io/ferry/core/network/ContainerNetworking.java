package io.ferry.core.network;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The host's container networks (Podman's bridge networks): networks and their address management kept in
 * the host's state, and what each container got. Every method tolerates being run again after a crash.
 * Lifecycle of a container's attachment:
 * {@link #attach} (provision: veth into its namespace, address, routes, /etc/hosts and /etc/resolv.conf) ->
 * {@link #publish} (once it runs: port forwarding rules) -> {@link #unpublish} (stop, checkpoint) ->
 * {@link #withdraw} (source after a checkpoint that moves it: the host side goes down so the network forgets
 * it here) / {@link #announce} (after a restore or rollback: gratuitous ARP, so the network learns where it is)
 * -> {@link #detach} (rm, failed restore: address released, veth, rules and neighbour entries removed).
 */
public interface ContainerNetworking {

    NetworkConfig create(NetworkCreateRequest request);

    List<NetworkConfig> list();

    /** NotFoundException when there is no such network. */
    NetworkConfig inspect(String name);

    /** ConflictException while containers are attached (unless force, which detaches them first). */
    void remove(String name, boolean force);

    /** Sets bridges, overlays and NAT up again after a reboot (idempotent); called when the engine starts. */
    void restoreHostState();

    /**
     * Attaches the container's network namespace to {@code request.network()}: allocates {@code keepIp}/
     * {@code keepMac} when given (a restore keeping its address; ConflictException when taken), else the
     * request's static ones, else free ones. Writes the container's hosts and resolv.conf files into
     * {@code filesDir} (the caller bind-mounts them). Undoes itself when it fails.
     */
    NetworkAttachment attach(String containerId, String hostname, NetworkRequest request, String keepIp, String keepMac,
                             Path netnsPath, Path filesDir);

    /** The attachment the container has on this host, if any. */
    Optional<NetworkAttachment> attachment(String containerId);

    /** Publishes the attachment's ports (netfilter DNAT); idempotent. */
    void publish(String containerId);

    /** Removes the container's port rules; idempotent. */
    void unpublish(String containerId);

    /** Takes the container's host-side link down, so its address is no longer served from this host. */
    void withdraw(String containerId);

    /** Brings the host-side link up (if withdrawn) and announces the address (gratuitous ARP). */
    void announce(String containerId);

    /** The container runs here (again): the network learns where its address is, then its ports lead here. */
    default void arrive(String containerId) {
        announce(containerId);
        publish(containerId);
    }

    /** Removes everything the container had: rules, veth, neighbour entries, address; idempotent. */
    void detach(String containerId);

    /** What the heartbeat reports. */
    List<HostNetworkSummary> summaries();
}
