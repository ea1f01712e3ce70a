package io.ferry.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "rm", description = "Remove containers and everything they own on this host (not named volumes).")
final class RmCommand implements Callable<Integer> {
    @ParentCommand
    FerryCli ferry;

    @Option(names = {"-f", "--force"}, description = "Kill running containers first.")
    boolean force;

    @Option(names = {"-v", "--volumes"}, description = "Remove the containers' anonymous volumes too (`run -v /path`).")
    boolean volumes;

    @Parameters(paramLabel = "CONTAINER", arity = "1..*")
    List<String> containers;

    @Override
    public Integer call() {
        for (String c : containers) {
            System.out.println(ferry.engine().containers().remove(c, force, volumes)); // its id; also one without a record
        }
        return 0;
    }
}
