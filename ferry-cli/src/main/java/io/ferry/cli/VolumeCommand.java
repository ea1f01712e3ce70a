package io.ferry.cli;

import io.ferry.core.volume.Volume;
import io.ferry.protocol.Identifiers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "volume", description = "Manage named volumes.", subcommands = {
        VolumeCommand.Create.class, VolumeCommand.Ls.class, VolumeCommand.Rm.class})
final class VolumeCommand {
    @ParentCommand
    FerryCli ferry;

    @Command(name = "create", description = "Create a named volume.")
    static final class Create implements Callable<Integer> {
        @ParentCommand
        VolumeCommand volume;

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            System.out.println(volume.ferry.engine().createVolume(name).name());
            return 0;
        }
    }

    @Command(name = "ls", aliases = "list", description = "List named volumes.")
    static final class Ls implements Callable<Integer> {
        @ParentCommand
        VolumeCommand volume;

        @Override
        public Integer call() {
            System.out.printf("%-24s %s%n", "VOLUME NAME", "MOUNTPOINT");
            for (Volume v : volume.ferry.engine().listVolumes()) {
                System.out.printf("%-24s %s%n", Identifiers.escape(v.name()), v.mountpoint());
            }
            return 0;
        }
    }

    @Command(name = "rm", description = "Remove named volumes that no container uses.")
    static final class Rm implements Callable<Integer> {
        @ParentCommand
        VolumeCommand volume;

        @Parameters(paramLabel = "NAME", arity = "1..*")
        List<String> names;

        @Override
        public Integer call() {
            for (String n : names) {
                volume.ferry.engine().removeVolume(n);
                System.out.println(n);
            }
            return 0;
        }
    }
}
