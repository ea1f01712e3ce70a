package io.ferry.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "stop", description = "Stop containers (SIGTERM, then SIGKILL after the timeout).")
final class StopCommand implements Callable<Integer> {
    @ParentCommand
    FerryCli ferry;

    @Option(names = {"-t", "--time"}, description = "Seconds to wait before killing (default: ${DEFAULT-VALUE}).")
    long seconds = 10;

    @Parameters(paramLabel = "CONTAINER", arity = "1..*")
    List<String> containers;

    @Override
    public Integer call() {
        for (String c : containers) {
            System.out.println(ferry.engine().containers().stop(c, Duration.ofSeconds(seconds)).name());
        }
        return 0;
    }
}
