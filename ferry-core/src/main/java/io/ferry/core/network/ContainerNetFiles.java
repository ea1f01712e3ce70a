package io.ferry.core.network;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The container's {@code hosts} and {@code resolv.conf} (bind-mounted by the caller, as Podman does): its
 * address under its hostname, and the host's resolvers without loopback ones (unreachable from the
 * container's namespace); none left: Podman's fallback, 8.8.8.8 and 8.8.4.4.
 */
public final class ContainerNetFiles {
    public static final List<String> FALLBACK_NAMESERVERS = List.of("8.8.8.8", "8.8.4.4");
    private final Path hostResolvConf;

    public ContainerNetFiles(Path hostResolvConf) {
        this.hostResolvConf = hostResolvConf;
    }

    public void write(Path filesDir, String ip, String hostname) {
        try {
            Files.createDirectories(filesDir);
            Files.writeString(filesDir.resolve("hosts"), hosts(ip, hostname));
            String host = Files.isReadable(hostResolvConf) ? Files.readString(hostResolvConf) : "";
            Files.writeString(filesDir.resolve("resolv.conf"), resolvConf(host));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the container's hosts and resolv.conf in " + filesDir, e);
        }
    }

    static String hosts(String ip, String hostname) {
        return "127.0.0.1 localhost\n::1 localhost\n" + ip + " " + hostname + "\n";
    }

    /** The host's resolv.conf without loopback nameservers (pure: unit-tested). */
    static String resolvConf(String host) {
        List<String> kept = new ArrayList<>();
        boolean nameserver = false;
        for (String line : host.split("\n")) {
            String[] words = line.strip().split("\\s+");
            if (words.length >= 2 && words[0].equals("nameserver")) {
                if (words[1].startsWith("127.") || words[1].equals("::1")) {
                    continue;
                }
                nameserver = true;
            }
            if (!line.isBlank()) {
                kept.add(line.strip());
            }
        }
        if (!nameserver) {
            FALLBACK_NAMESERVERS.forEach(ns -> kept.add("nameserver " + ns));
        }
        return String.join("\n", kept) + "\n";
    }
}
