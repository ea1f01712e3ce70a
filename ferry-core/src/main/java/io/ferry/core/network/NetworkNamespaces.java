package io.ferry.core.network;

import io.ferry.core.exec.Commands;
import io.ferry.core.os.Confined;
import io.ferry.protocol.Identifiers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Network namespaces that Ferry creates outside runc (as Podman does): runc would restore into an
 * empty namespace with loopback down, where established TCP connections cannot come back.
 */
public final class NetworkNamespaces {
    private static final Path NETNS_DIR = Path.of("/var/run/netns");
    private static final Duration QUICK = Duration.ofSeconds(30);

    /** Names are checked before ip(8) or a path sees them: a name with '/' or ".." would reach outside. */
    public Path path(String name) {
        return Confined.resolve(NETNS_DIR, Identifiers.name("network namespace name", name));
    }

    public boolean exists(String name) {
        return Files.exists(path(name));
    }

    /** Creates the namespace with loopback up; removes it again if that fails. */
    public Path create(String name) {
        path(name);
        Commands.check("creating network namespace " + name, List.of("ip", "netns", "add", name), QUICK);
        try {
            Commands.check("bringing up loopback in " + name, List.of("ip", "-n", name, "link", "set", "lo", "up"), QUICK);
        } catch (RuntimeException e) {
            delete(name);
            throw e;
        }
        return path(name);
    }

    public void delete(String name) {
        if (exists(name)) {
            Commands.check("deleting network namespace " + name, List.of("ip", "netns", "delete", name), QUICK);
        }
    }

    /**
     * Removes CRIU's network lock from the namespace: a dump that stopped the container leaves an iptables
     * chain CRIU there that drops every packet until a restore unlocks it. A container started anew
     * instead ({@code ferry start} of a checkpointed one) needs it gone. No error when there is none.
     */
    public void removeCriuLock(String name) {
        for (String tool : List.of("iptables", "ip6tables")) {
            List<String> in = List.of("nsenter", "--net=" + path(name), tool, "-w");
            if (!Commands.run(concat(in, "-S", "CRIU"), QUICK).ok()) {
                continue; // no lock (or no such tool)
            }
            for (String chain : List.of("INPUT", "OUTPUT")) {
                for (int i = 0; i < 16 && Commands.run(concat(in, "-D", chain, "-j", "CRIU"), QUICK).ok(); i++) {
                    // every jump: a lock taken twice (two dumps without a restore) has two
                }
            }
            Commands.run(concat(in, "-F", "CRIU"), QUICK);
            Commands.check("removing CRIU's network lock in " + name, concat(in, "-X", "CRIU"), QUICK);
        }
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> out = new java.util.ArrayList<>(head);
        out.addAll(List.of(tail));
        return out;
    }

    /** What network.status records: the namespace's interfaces (loopback only, for now). */
    public String status(String name) {
        return "{\"ferry\":{\"namespace\":\"" + name + "\",\"interfaces\":{\"lo\":{\"subnets\":[{\"ipnet\":\"127.0.0.1/8\"}]}}}}";
    }
}
