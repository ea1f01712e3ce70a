package io.ferry.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "unpause", description = "Unpause containers paused by `ferry pause`.")
final class UnpauseCommand implements Callable<Integer> {
    @ParentCommand
    FerryCli ferry;

    @Parameters(paramLabel = "CONTAINER", arity = "1..*", description = "Name or id of a paused container.")
    List<String> containers;

    @Override
    public Integer call() {
        for (String c : containers) {
            ferry.engine().containers().unpause(c);
            System.out.println(c);
        }
        return 0;
    }
}
