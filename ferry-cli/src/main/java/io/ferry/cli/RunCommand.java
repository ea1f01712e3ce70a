package io.ferry.cli;

import io.ferry.core.container.ContainerRecord;
import io.ferry.core.container.RunRequest;
import io.ferry.core.container.VolumeMount;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "run", description = "Run a command in a new container (always detached).")
final class RunCommand implements Callable<Integer> {
    @ParentCommand
    FerryCli ferry;

    @Option(names = {"-d", "--detach"}, description = "Run in the background (the only mode; accepted for Podman compatibility).")
    boolean detach;

    @Option(names = "--name", description = "Name of the container.")
    String name;

    @Option(names = {"-v", "--volume"}, description = "Named volume: NAME:/path[:ro]. Created if missing.")
    List<String> volumes = new ArrayList<>();

    @Parameters(index = "0", paramLabel = "IMAGE")
    String image;

    @Parameters(index = "1..*", paramLabel = "CMD", arity = "1..*")
    List<String> command;

    @Override
    public Integer call() {
        List<VolumeMount> mounts = volumes.stream().map(VolumeMount::parse).toList();
        ContainerRecord r = ferry.engine().containers().run(new RunRequest(name, image, command, mounts));
        System.out.println(r.id());
        return 0;
    }
}
