package io.ferry.cli;

import io.ferry.core.container.ContainerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "logs", description = "Print a container's output (stdout and stderr).")
final class LogsCommand implements Callable<Integer> {
    @ParentCommand
    FerryCli ferry;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new output while the container runs.")
    boolean follow;

    @Parameters(paramLabel = "CONTAINER")
    String container;

    @Override
    public Integer call() throws IOException, InterruptedException {
        var containers = ferry.engine().containers();
        ContainerRecord record = containers.get(container);
        Path log = containers.logFile(container);
        if (!Files.exists(log)) {
            return 0;
        }
        try (InputStream in = Files.newInputStream(log)) {
            byte[] buf = new byte[8192];
            while (true) {
                int n = in.read(buf);
                if (n > 0) {
                    System.out.write(buf, 0, n);
                    System.out.flush();
                    continue;
                }
                if (!follow || !containers.view(record).running()) {
                    // one last read: output written just before the container ended
                    in.transferTo(System.out);
                    System.out.flush();
                    return 0;
                }
                Thread.sleep(200);
            }
        }
    }
}
