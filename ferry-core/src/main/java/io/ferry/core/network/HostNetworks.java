package io.ferry.core.network;

import io.ferry.core.error.ConflictException;
import io.ferry.core.error.NotFoundException;
import io.ferry.core.host.Host;
import io.ferry.core.os.HostLock;
import io.ferry.protocol.Identifiers;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * This host's container networks: bridges, VXLAN overlays, address management, port publishing. Host-side
 * commands run in the process's own network namespace, or in {@code hostNetns} when one is given.
 */
public final class HostNetworks implements ContainerNetworking {
    public static final int MTU = 1500;
    /** 1500 less VXLAN's 50 bytes of outer headers. */
    public static final int VXLAN_MTU = 1450;
    public static final int VXLAN_PORT = 4789;

    private final Host host;
    private final HostShell shell;
    private final NetworkStore store;
    private final AddressAllocator addresses;
    private final HostLock lock;
    private final Bridges bridges;
    private final Veths veths;
    private final Masquerade masquerade;
    private final PortForwarding ports;
    private final VxlanOverlay overlays;
    private final NeighbourAnnouncer announcer;
    private final ContainerNetFiles files;
    private final HostListeners listeners;

    public HostNetworks(Host host) {
        this(host, null);
    }

    /** {@code hostNetns} null: the process's own network namespace. */
    public HostNetworks(Host host, Path hostNetns) {
        this(host, hostNetns, Path.of("/etc/resolv.conf"));
    }

    public HostNetworks(Host host, Path hostNetns, Path hostResolvConf) {
        this.host = host;
        this.shell = new HostShell(hostNetns);
        Path dir = host.root().resolve("networks");
        this.store = new NetworkStore(dir);
        this.addresses = new AddressAllocator(dir.resolve("addresses"));
        this.lock = new HostLock(host.root());
        this.bridges = new Bridges(shell);
        this.veths = new Veths(shell);
        Iptables iptables = new Iptables(shell);
        this.masquerade = new Masquerade(shell, iptables);
        this.ports = new PortForwarding(iptables);
        this.overlays = new VxlanOverlay(shell, host.id());
        this.announcer = new NeighbourAnnouncer();
        this.files = new ContainerNetFiles(hostResolvConf);
        this.listeners = new HostListeners(shell);
    }

    @Override
    public NetworkConfig create(NetworkCreateRequest request) {
        try (HostLock.Held held = lock.acquire()) {
            String name = NetworkStore.validName(request.name());
            if (name.equals(NetworkRequest.NONE)) {
                throw new IllegalArgumentException("network name " + name + " is reserved (--network none)");
            }
            if (store.find(name).isPresent()) {
                throw new ConflictException("network name " + name + " already used: network already exists");
            }
            List<NetworkConfig> others = store.list();
            NetworkConfig config = NetworkPlan.plan(request, others, LinkNames.bridge(host.id(), name),
                    networkId(name), Instant.now());
            store.save(config);
            try {
                setUp(config);
            } catch (RuntimeException e) {
                tearDown(config);
                store.delete(name);
                throw e;
            }
            return config;
        }
    }

    @Override
    public List<NetworkConfig> list() {
        return store.list();
    }

    @Override
    public NetworkConfig inspect(String name) {
        return store.find(name).orElseThrow(() -> new NotFoundException(
                "unable to find network with name or ID " + name + ": network not found"));
    }

    @Override
    public void remove(String name, boolean force) {
        try (HostLock.Held held = lock.acquire()) {
            NetworkConfig config = inspect(name);
            List<AttachmentRecord> attached = store.attachmentsOf(name);
            if (!attached.isEmpty() && !force) {
                throw new ConflictException("network " + name + " is being used by containers: "
                        + String.join(", ", attached.stream().map(AttachmentRecord::shown).toList())
                        + " (remove them first, or use -f)");
            }
            for (AttachmentRecord r : attached) {
                detach(r.containerId());
            }
            tearDown(config);
            addresses.forget(name);
            store.delete(name);
        }
    }

    @Override
    public void restoreHostState() {
        try (HostLock.Held held = lock.acquire()) {
            List<NetworkConfig> networks = store.list();
            if (networks.isEmpty()) {
                return;
            }
            masquerade.ensureBase();
            for (NetworkConfig n : networks) {
                setUp(n);
            }
            for (AttachmentRecord r : store.attachments()) {
                if (!r.published()) {
                    continue;
                }
                if (veths.exists(r.hostVeth())) {
                    ports.publish(r.containerId(), r.attachment()); // rules someone flushed
                } else { // the container's namespace is gone (a reboot): its ports are free again
                    ports.unpublish(r.containerId());
                    store.saveAttachment(r.withPublished(false));
                }
            }
        }
    }

    @Override
    public NetworkAttachment attach(String containerId, String hostname, NetworkRequest request, String keepIp,
                                    String keepMac, Path netnsPath, Path filesDir) {
        Identifiers.containerId("container id", containerId);
        if (request == null || request.isNone()) {
            throw new IllegalArgumentException("container " + containerId + " asks for no network (--network none)");
        }
        NetworkConfig network = inspect(request.network());
        if (store.attachment(containerId).isPresent()) {
            detach(containerId); // an attach that crashed, or a container attached anew: start clean
        }
        try {
            String wanted = keepIp != null ? keepIp : request.ip();
            String ip = wanted != null ? addresses.claim(network, wanted, containerId, this::shownOwner)
                    : addresses.allocate(network, containerId);
            String wantedMac = keepMac != null ? keepMac : request.mac();
            String mac = wantedMac != null ? MacAddresses.valid(wantedMac) : MacAddresses.random();
            requireFreeMac(network, mac, containerId);
            NetworkAttachment a = new NetworkAttachment(network.name(), "eth0", ip,
                    Cidr.parse(network.subnet(), "subnet").prefixLength(), network.gateway(), mac, request.ports());
            String hostVeth = LinkNames.hostVeth(host.id(), containerId);
            // recorded before anything exists on the host, so detach finds what a crash left behind
            store.saveAttachment(new AttachmentRecord(containerId, hostname, netnsPath.toString(), network.bridge(),
                    hostVeth, a, false));
            ensureUp(network);
            veths.create(hostVeth, LinkNames.peerVeth(host.id(), containerId), netnsPath, network, a);
            files.write(filesDir, ip, hostname == null || hostname.isBlank() ? containerId.substring(0, 12) : hostname);
            return a;
        } catch (RuntimeException e) {
            try {
                detach(containerId);
            } catch (RuntimeException undo) {
                e.addSuppressed(undo);
            }
            throw e;
        }
    }

    @Override
    public Optional<NetworkAttachment> attachment(String containerId) {
        return store.attachment(containerId).map(AttachmentRecord::attachment);
    }

    @Override
    public void publish(String containerId) {
        try (HostLock.Held held = lock.acquire()) {
            AttachmentRecord record = store.attachment(containerId).orElse(null);
            if (record == null || record.attachment().ports().isEmpty()) {
                return;
            }
            for (AttachmentRecord other : store.attachments()) {
                if (other.published() && !other.containerId().equals(containerId)) {
                    for (PortMapping mine : record.attachment().ports()) {
                        for (PortMapping theirs : other.attachment().ports()) {
                            if (mine.clashesWith(theirs)) {
                                throw new ConflictException("host port " + mine.hostPort() + "/" + mine.protocol()
                                        + " is already published by container " + other.shown() + " (" + theirs + ")");
                            }
                        }
                    }
                }
            }
            if (!record.published()) { // published already (again, idempotent): its own DNAT is there, not a listener
                listeners.requireFree(record.attachment().ports());
            }
            masquerade.ensureBase();
            ports.publish(containerId, record.attachment());
            store.saveAttachment(record.withPublished(true));
        }
    }

    @Override
    public void unpublish(String containerId) {
        try (HostLock.Held held = lock.acquire()) {
            ports.unpublish(containerId);
            store.attachment(containerId).ifPresent(r -> store.saveAttachment(r.withPublished(false)));
        }
    }

    @Override
    public void withdraw(String containerId) {
        store.attachment(containerId).ifPresent(r -> {
            if (veths.exists(r.hostVeth())) {
                veths.setUp(r.hostVeth(), false); // the bridge forgets the MAC on this port
            }
            bridges.forgetNeighbour(r.bridge(), r.attachment().ip());
        });
    }

    @Override
    public void announce(String containerId) {
        store.attachment(containerId).ifPresent(r -> {
            veths.setUp(r.hostVeth(), true);
            announcer.announce(Path.of(r.netns()), r.attachment());
        });
    }

    @Override
    public void detach(String containerId) {
        Identifiers.containerId("container id", containerId);
        ports.unpublish(containerId);
        Optional<AttachmentRecord> record = store.attachment(containerId);
        veths.delete(record.map(AttachmentRecord::hostVeth).orElse(LinkNames.hostVeth(host.id(), containerId)));
        veths.delete(LinkNames.peerVeth(host.id(), containerId)); // a peer an attach left on the host side
        record.ifPresent(r -> bridges.forgetNeighbour(r.bridge(), r.attachment().ip()));
        addresses.releaseAll(containerId); // also an address claimed just before a crash, not yet recorded
        store.deleteAttachment(containerId);
    }

    @Override
    public List<HostNetworkSummary> summaries() {
        List<HostNetworkSummary> out = new ArrayList<>();
        for (NetworkConfig n : store.list()) {
            out.add(new HostNetworkSummary(n.name(), n.subnet(), n.gateway(), n.overlay() == null ? 0 : n.overlay().vni(),
                    addresses.inUse(n.name())));
        }
        return out;
    }

    /** The network's bridge (with its overlay and NAT) exist, e.g. after a reboot not yet repaired. */
    private void ensureUp(NetworkConfig network) {
        if (!bridges.exists(network.bridge())) {
            try (HostLock.Held held = lock.acquire()) {
                masquerade.ensureBase();
                setUp(network);
            }
        }
    }

    private void setUp(NetworkConfig n) {
        masquerade.ensureBase();
        bridges.ensure(n);
        overlays.ensure(n);
        masquerade.ensureNetwork(n);
    }

    private void tearDown(NetworkConfig n) {
        masquerade.removeNetwork(n);
        overlays.remove(n);
        bridges.remove(n.bridge());
    }

    /**
     * A MAC (asked for, or kept from an untrusted archive) that the bridge or another container of the network
     * has would take their frames: the bridge's FDB moves a MAC to the port it was last seen on.
     */
    private void requireFreeMac(NetworkConfig network, String mac, String containerId) {
        if (mac.equalsIgnoreCase(Bridges.gatewayMac(network))) {
            throw new IllegalArgumentException("MAC address " + mac + " cannot be used on network " + network.name()
                    + ": it is the gateway's (the network's bridge)");
        }
        for (AttachmentRecord other : store.attachmentsOf(network.name())) {
            if (!other.containerId().equals(containerId) && mac.equalsIgnoreCase(other.attachment().mac())) {
                throw new ConflictException("MAC address " + mac + " is in use on network " + network.name()
                        + " by container " + other.shown());
            }
        }
    }

    private String shownOwner(String ownerId) {
        if (ownerId == null || !Identifiers.isContainerId(ownerId)) {
            return String.valueOf(ownerId);
        }
        return store.attachment(ownerId).map(AttachmentRecord::shown).orElse(ownerId.substring(0, 12));
    }

    private String networkId(String name) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest((host.id() + "/" + name + "/" + System.nanoTime())
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
