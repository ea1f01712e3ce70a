package io.ferry.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "pause", description = "Pause all processes of running containers (the freezer cgroup).")
final class PauseCommand implements Callable<Integer> {
    @ParentCommand
    FerryCli ferry;

    @Parameters(paramLabel = "CONTAINER", arity = "1..*", description = "Name or id of a running container.")
    List<String> containers;

    @Override
    public Integer call() {
        for (String c : containers) {
            ferry.engine().containers().pause(c);
            System.out.println(c);
        }
        return 0;
    }
}
