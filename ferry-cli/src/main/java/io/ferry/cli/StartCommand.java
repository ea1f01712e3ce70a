package io.ferry.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "start", description = "Start stopped containers again: their command anew, on the same root"
        + " filesystem, network address and published ports (a checkpointed one too; `restore` brings back its processes).")
final class StartCommand implements Callable<Integer> {
    @ParentCommand
    FerryCli ferry;

    @Parameters(paramLabel = "CONTAINER", arity = "1..*", description = "Name or id of a stopped container.")
    List<String> containers;

    @Override
    public Integer call() {
        for (String c : containers) {
            ferry.engine().containers().start(c);
            System.out.println(c); // as typed, as Podman prints it
        }
        return 0;
    }
}
