package io.ferry.cli;

import io.ferry.core.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code ferry container ...}: Podman's container command group (inspect, for now). */
@Command(name = "container", description = "Manage containers.", subcommands = ContainerCommand.Inspect.class)
final class ContainerCommand {
    @ParentCommand
    FerryCli ferry;

    @Command(name = "inspect", description = {"Display the configuration and state of containers as JSON, as"
            + " `podman container inspect` does: State (with Checkpointed, CheckpointedAt, Restored, RestoredAt,"
            + " CheckpointLog, RestoreLog, CheckpointPath), Image, Mounts, NetworkSettings; and a \"Ferry\" key:"
            + " the archive or migration it was restored from."})
    static final class Inspect implements Callable<Integer> {
        @ParentCommand
        ContainerCommand group;

        @Parameters(arity = "0..*", paramLabel = "CONTAINER", description = "Containers (name or id).")
        List<String> containers = new ArrayList<>();

        @Option(names = {"-l", "--latest"}, description = "Act on the latest container created on this host.")
        boolean latest;

        @Override
        public Integer call() {
            var engine = group.ferry.engine();
            List<ContainerArguments.Target> targets = ContainerArguments.targets(containers, false, latest, List::of,
                    () -> engine.latestContainer().map(r -> r.id()));
            List<Map<String, Object>> out = new ArrayList<>();
            for (ContainerArguments.Target t : targets) {
                out.add(ContainerInspect.of(engine, engine.containers().inspect(t.nameOrId())));
            }
            System.out.println(Json.string(out));
            return 0;
        }
    }
}
