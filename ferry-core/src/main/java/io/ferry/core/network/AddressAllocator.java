package io.ferry.core.network;

import io.ferry.core.error.ConflictException;
import io.ferry.core.os.Confined;
import io.ferry.core.os.FileTrees;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * IPAM: one file per allocated address ({@code networks/addresses/<network>/<ip>}, holding the container id),
 * created with CREATE_NEW, so no address is handed out twice, also by two processes of one host (the
 * checkpoint- and restore-service), and allocations survive restarts. Fresh addresses come from the network's
 * ip-range (lowest free first); kept and static ones may be anywhere in the subnet.
 */
public final class AddressAllocator {
    private final Path dir;

    public AddressAllocator(Path dir) {
        this.dir = dir;
    }

    /**
     * Claims {@code ip} for the container (again: fine, it is already its own); ConflictException when another
     * container has it, IllegalArgumentException when it is not a container address of the subnet.
     */
    public String claim(NetworkConfig network, String ip, String containerId, Function<String, String> shownAs) {
        Cidr subnet = Cidr.parse(network.subnet(), "subnet");
        long address = Ipv4.parse(ip, "IP address");
        String canonical = Ipv4.format(address);
        if (!subnet.isHostAddress(address) || canonical.equals(network.gateway())) {
            throw new IllegalArgumentException("IP address " + canonical + " cannot be used on network " + network.name()
                    + ": it is not a container address of " + subnet + (canonical.equals(network.gateway())
                    ? " (it is the gateway)" : ""));
        }
        if (!tryClaim(network.name(), canonical, containerId)) {
            throw new ConflictException("address " + canonical + " is in use on network " + network.name()
                    + " by container " + shownAs.apply(owner(network.name(), canonical)));
        }
        return canonical;
    }

    /** The lowest free address of the network's ip-range (the subnet when none). */
    public String allocate(NetworkConfig network, String containerId) {
        for (long candidate : candidates(network)) {
            String ip = Ipv4.format(candidate);
            if (tryClaim(network.name(), ip, containerId)) {
                return ip;
            }
        }
        throw new ConflictException("network " + network.name() + " has no free address left in "
                + (network.ipRange() != null ? network.ipRange() : network.subnet()));
    }

    /**
     * Allocation order: the range's first to last host address (as Podman leases an ip-range), without the
     * subnet's network, broadcast and gateway addresses (pure: unit-tested).
     */
    static Iterable<Long> candidatesOf(Cidr subnet, Cidr range, long gateway) {
        Cidr from = range != null ? range : subnet;
        long last = from.prefixLength() >= 31 ? from.broadcast() : from.broadcast() - 1;
        return () -> java.util.stream.LongStream.rangeClosed(from.firstHost(), last)
                .filter(a -> subnet.isHostAddress(a) && a != gateway).boxed().iterator();
    }

    static Iterable<Long> candidates(NetworkConfig network) {
        return candidatesOf(Cidr.parse(network.subnet(), "subnet"),
                network.ipRange() == null ? null : Cidr.parse(network.ipRange(), "ip-range"),
                Ipv4.parse(network.gateway(), "gateway"));
    }

    /** Releases it if it is still this container's. */
    public void release(String network, String ip, String containerId) {
        if (containerId.equals(owner(network, ip))) {
            try {
                Files.deleteIfExists(file(network, ip));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public List<String> inUse(String network) {
        Path d = Confined.resolve(dir, network);
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(d)) {
            List<String> out = new ArrayList<>(files.map(f -> f.getFileName().toString()).filter(Ipv4::isValid).toList());
            out.sort((a, b) -> Long.compare(Ipv4.parse(a, "a"), Ipv4.parse(b, "b")));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Forgets every address of a removed network. */
    public void forget(String network) {
        FileTrees.deleteRecursively(Confined.resolve(dir, network));
    }

    /** The container holding it, or null. */
    public String owner(String network, String ip) {
        try {
            return Files.readString(file(network, ip), StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean tryClaim(String network, String ip, String containerId) {
        Path f = file(network, ip);
        try {
            Files.createDirectories(f.getParent());
            Files.writeString(f, containerId + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
            return true;
        } catch (FileAlreadyExistsException e) {
            String owner = owner(network, ip);
            // an owner not yet written (another process between create and write) is not ours
            return containerId.equals(owner);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record address " + ip + " of network " + network, e);
        }
    }

    private Path file(String network, String ip) {
        return Confined.resolve(dir, network, ip);
    }
}
