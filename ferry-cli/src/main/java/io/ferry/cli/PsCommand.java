package io.ferry.cli;

import io.ferry.core.container.ContainerView;
import io.ferry.core.container.Orphan;
import io.ferry.protocol.Identifiers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

@Command(name = "ps", description = "List containers (running ones unless -a).")
final class PsCommand implements Callable<Integer> {
    @ParentCommand
    FerryCli ferry;

    @Option(names = {"-a", "--all"}, description = "Show all containers.")
    boolean all;

    @Option(names = {"-q", "--quiet"}, description = "Print container ids only.")
    boolean quiet;

    @Override
    public Integer call() {
        String format = "%-14s %-24s %-32s %-16s %-22s %-24s %s%n";
        if (!quiet) {
            System.out.printf(format, "CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES");
        }
        for (ContainerView v : ferry.engine().containers().list(all)) {
            var c = v.record().config();
            if (quiet) {
                System.out.println(c.shortId());
                continue;
            }
            // escaped: a stored name or command must not forge lines or terminal sequences (records are checked too)
            String cmd = Identifiers.escape(String.join(" ", c.command()));
            String status = v.status() + (v.record().checkpointed() && !v.running() ? " (checkpointed)" : "");
            System.out.printf(format, c.shortId(), Identifiers.escape(c.image()), cmd.length() > 30 ? cmd.substring(0, 29) + "…" : cmd,
                    Formats.ago(c.created()), status, ports(c), Identifiers.escape(c.name()));
        }
        if (all) { // what the engine made without a record (a crash between the runtime and the record): rm -f removes it
            for (Orphan o : ferry.engine().containers().orphans()) {
                if (quiet) {
                    System.out.println(o.shortId());
                } else {
                    System.out.printf(format, o.shortId(), "-", "-", "-", "orphan (" + o.runtimeStatus() + ")", "",
                            "- (" + o.what() + ")");
                }
            }
        }
        return 0;
    }

    /** Podman's PORTS column: {@code 0.0.0.0:8080->80/tcp, ...} as the container asked for them. */
    static String ports(io.ferry.core.container.ContainerConfig c) {
        return String.join(", ", c.networkOrNone().ports().stream().map(Object::toString).toList());
    }
}
