package io.ferry.cli;

import io.ferry.core.container.RootfsChanges;
import io.ferry.protocol.Identifiers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

@Command(name = "diff", description = "Show the changes to a container's root filesystem: A (added), C (changed),"
        + " D (deleted), one path a line, as `podman diff`.")
final class DiffCommand implements Callable<Integer> {
    @ParentCommand
    FerryCli ferry;

    @Parameters(paramLabel = "CONTAINER", description = "Name or id of a container (running or not).")
    String container;

    @Override
    public Integer call() {
        for (RootfsChanges.Change c : ferry.engine().containers().diff(container)) {
            System.out.println(c.kind() + " " + Identifiers.escape(c.path())); // a file name may hold anything
        }
        return 0;
    }
}
