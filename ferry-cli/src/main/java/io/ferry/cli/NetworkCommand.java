package io.ferry.cli;

import io.ferry.core.json.Json;
import io.ferry.core.network.NetworkConfig;
import io.ferry.core.network.NetworkCreateRequest;
import io.ferry.protocol.Identifiers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "network", description = "Manage container networks (bridges, optionally spanning hosts by VXLAN).",
        subcommands = {NetworkCommand.Create.class, NetworkCommand.Ls.class, NetworkCommand.Inspect.class,
                NetworkCommand.Rm.class})
final class NetworkCommand {
    @ParentCommand
    FerryCli ferry;

    @Command(name = "create", description = "Create a bridge network (default subnet: the first free 10.89.N.0/24).")
    static final class Create implements Callable<Integer> {
        @ParentCommand
        NetworkCommand network;

        @Option(names = "--subnet", paramLabel = "CIDR", description = "The network's IPv4 subnet, e.g. 10.89.0.0/24.")
        String subnet;

        @Option(names = "--gateway", paramLabel = "IP", description = "The gateway address (default: the subnet's first).")
        String gateway;

        @Option(names = "--ip-range", paramLabel = "CIDR",
                description = "Hand out addresses from this part of the subnet only (one range per host of a spanning network).")
        String ipRange;

        @Option(names = {"-o", "--opt"}, paramLabel = "KEY=VALUE",
                description = "vxlan.id=N (1-16777215), vxlan.local=IP (this host's underlay address),"
                        + " vxlan.peers=IP[,IP...] (the other hosts'): the network spans hosts by VXLAN.")
        List<String> opts = new ArrayList<>();

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            int vxlanId = 0;
            String local = null;
            List<String> peers = List.of();
            for (String opt : opts) {
                int eq = opt.indexOf('=');
                if (eq < 0) {
                    throw new IllegalArgumentException("invalid option " + Identifiers.quote(opt) + ": expected KEY=VALUE");
                }
                String key = opt.substring(0, eq);
                String value = opt.substring(eq + 1);
                switch (key) {
                    case "vxlan.id" -> {
                        try {
                            vxlanId = Integer.parseInt(value);
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("vxlan.id " + Identifiers.quote(value) + " is not a number");
                        }
                    }
                    case "vxlan.local" -> local = value;
                    case "vxlan.peers" -> peers = Arrays.stream(value.split(",")).map(String::strip)
                            .filter(p -> !p.isEmpty()).toList();
                    default -> throw new IllegalArgumentException("unsupported network option " + Identifiers.quote(key)
                            + ": use vxlan.id, vxlan.local or vxlan.peers");
                }
            }
            NetworkConfig c = network.ferry.engine().networks()
                    .create(new NetworkCreateRequest(name, subnet, gateway, ipRange, vxlanId, local, peers));
            System.out.println(c.name());
            return 0;
        }
    }

    @Command(name = "ls", aliases = "list", description = "List networks.")
    static final class Ls implements Callable<Integer> {
        @ParentCommand
        NetworkCommand network;

        @Override
        public Integer call() {
            System.out.printf("%-14s %-24s %s%n", "NETWORK ID", "NAME", "DRIVER");
            for (NetworkConfig c : network.ferry.engine().networks().list()) {
                System.out.printf("%-14s %-24s %s%n", c.id().substring(0, Math.min(12, c.id().length())),
                        Identifiers.escape(c.name()), c.driver());
            }
            return 0;
        }
    }

    @Command(name = "inspect", description = "Show networks' configuration as JSON.")
    static final class Inspect implements Callable<Integer> {
        @ParentCommand
        NetworkCommand network;

        @Parameters(paramLabel = "NAME", arity = "1..*")
        List<String> names;

        @Override
        public Integer call() {
            List<NetworkConfig> found = new ArrayList<>();
            for (String n : names) {
                found.add(network.ferry.engine().networks().inspect(n));
            }
            System.out.println(Json.string(found));
            return 0;
        }
    }

    @Command(name = "rm", description = "Remove networks no container is attached to.")
    static final class Rm implements Callable<Integer> {
        @ParentCommand
        NetworkCommand network;

        @Option(names = {"-f", "--force"}, description = "Detach the containers attached to it first.")
        boolean force;

        @Parameters(paramLabel = "NAME", arity = "1..*")
        List<String> names;

        @Override
        public Integer call() {
            for (String n : names) {
                network.ferry.engine().networks().remove(n, force);
                System.out.println(n);
            }
            return 0;
        }
    }
}
