package io.ferry.cli;

import io.ferry.core.checkpoint.RestoreOptions;
import io.ferry.core.container.ContainerRecord;
import io.ferry.core.container.RunRequest;
import io.ferry.core.container.VolumeMount;
import io.ferry.core.engine.ArchiveSource;
import io.ferry.core.network.NetworkRequest;
import io.ferry.core.network.PortMapping;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "run", description = "Run a command in a new container (always detached).")
final class RunCommand implements Callable<Integer> {
    @ParentCommand
    FerryCli ferry;

    @Option(names = {"-d", "--detach"}, description = "Run in the background (the only mode; accepted for Podman compatibility).")
    boolean detach;

    @Option(names = "--name", description = "Name of the container.")
    String name;

    @Option(names = {"-v", "--volume"}, paramLabel = "NAME:/path[:ro]|/path",
            description = "Named volume NAME:/path[:ro] (created if missing), or /path: an anonymous volume (a"
                    + " generated name; removed with the container by `rm -v` and --rm).")
    List<String> volumes = new ArrayList<>();

    @Option(names = "--network", paramLabel = "NAME|none",
            description = "Connect the container to this network (`ferry network create`); none (the default): loopback only.")
    String network;

    @Option(names = "--ip", paramLabel = "IPv4", description = "The container's address on --network (default: a free one).")
    String ip;

    @Option(names = "--mac-address", paramLabel = "MAC", description = "The container's MAC on --network (default: a generated one).")
    String mac;

    @Option(names = {"-p", "--publish"}, paramLabel = "[HOSTIP:]HOSTPORT:CTRPORT[/tcp|udp]",
            description = "Publish a container port on the host (repeatable; needs --network).")
    List<String> publish = new ArrayList<>();

    @Option(names = "--rm", description = "Remove the container and its anonymous volumes once it exits or is"
            + " stopped (not when it was checkpointed).")
    boolean rm;

    @Parameters(index = "0", paramLabel = "IMAGE")
    String image;

    @Parameters(index = "1..*", paramLabel = "CMD", arity = "0..*",
            description = "The command and its arguments; none for a checkpoint image, whose container is restored.")
    List<String> command;

    @Override
    public Integer call() {
        // issue 13: Podman's run CHECKPOINT-IMAGE restores the container under its archived name (or --name)
        Optional<ArchiveSource> checkpoint = ferry.engine().checkpointImage(image);
        if (checkpoint.isPresent()) {
            if (command != null && !command.isEmpty()) {
                throw new IllegalArgumentException("image " + image + " is a checkpoint image: `ferry run` restores its"
                        + " container with the processes it had, so give no command");
            }
            System.out.println(ferry.engine().restore(checkpoint.get(), RestoreOptions.defaults().named(name))
                    .container().id());
            return 0;
        }
        List<VolumeMount> mounts = volumes.stream().map(VolumeMount::parse).toList();
        RunRequest request = new RunRequest(name, image, command, mounts, network());
        ContainerRecord r = ferry.engine().containers().run(rm ? request.removingOnExit() : request);
        System.out.println(r.id());
        return 0;
    }

    /** What --network, --ip, --mac-address and -p ask for; the engine checks the values. */
    private NetworkRequest network() {
        if (network == null || network.equals(NetworkRequest.NONE)) {
            String given = ip != null ? "--ip" : mac != null ? "--mac-address" : !publish.isEmpty() ? "--publish" : null;
            if (given != null) {
                throw new IllegalArgumentException(given + " can only be used with a network: use --network NAME"
                        + (network == null ? "" : " (not none)"));
            }
            return NetworkRequest.none();
        }
        return new NetworkRequest(network, ip, mac, publish.stream().map(PortMapping::parse).toList());
    }
}
