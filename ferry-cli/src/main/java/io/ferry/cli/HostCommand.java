package io.ferry.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

@Command(name = "host", description = "This host's identity.", subcommands = HostCommand.Key.class)
final class HostCommand {
    @ParentCommand
    FerryCli ferry;

    @Command(name = "key", description = {"Print this host's identity line (making its key pairs on first use),",
            "for the trust stores of the hosts that restore its checkpoints."})
    static final class Key implements Callable<Integer> {
        @ParentCommand
        HostCommand host;

        @Option(names = "--host-id", description = "Host id (as the global --host-id).")
        String hostId;

        @Override
        public Integer call() {
            if (hostId != null) {
                host.ferry.hostId = hostId;
            }
            System.out.println(host.ferry.engine().hostIdentity());
            return 0;
        }
    }
}
