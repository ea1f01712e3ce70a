package io.ferry.cli;

import io.ferry.core.image.Image;
import io.ferry.protocol.Identifiers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

@Command(name = "image", description = "Manage local images.", subcommands = {
        ImageCommand.Import.class, ImageCommand.Ls.class, ImageCommand.Rm.class})
final class ImageCommand {
    @ParentCommand
    FerryCli ferry;

    @Command(name = "import", description = "Import a root filesystem tarball (plain, gzip or zstd) as an image.")
    static final class Import implements java.util.concurrent.Callable<Integer> {
        @ParentCommand
        ImageCommand image;

        @Parameters(index = "0", paramLabel = "TARBALL")
        Path tarball;

        @Parameters(index = "1", paramLabel = "REFERENCE")
        String reference;

        @Override
        public Integer call() throws IOException {
            try (InputStream in = Files.newInputStream(tarball)) {
                System.out.println(image.ferry.engine().images().importRootfs(in, reference).id());
            }
            return 0;
        }
    }

    @Command(name = "ls", aliases = "list", description = "List images; CHECKPOINT names the container a checkpoint"
            + " image (`ferry checkpoint --create-image`) was taken of.")
    static final class Ls implements java.util.concurrent.Callable<Integer> {
        @ParentCommand
        ImageCommand image;

        @Override
        public Integer call() {
            String format = "%-40s %-14s %-16s %-10s %s";
            System.out.println(String.format(format, "REPOSITORY:TAG", "IMAGE ID", "CREATED", "SIZE", "CHECKPOINT"));
            for (Image i : image.ferry.engine().images().list()) {
                for (String name : i.names().isEmpty() ? List.of("<none>") : i.names()) {
                    System.out.println(String.format(format, Identifiers.escape(name), i.shortId(), Formats.ago(i.created()),
                            Formats.bytes(i.size()), checkpointOf(i)).stripTrailing());
                }
            }
            return 0;
        }

        /** Issue 13: the container a checkpoint image holds ("-" when its annotations do not say), blank otherwise. */
        private static String checkpointOf(Image i) {
            return !i.checkpoint() ? "" : Identifiers.escape(i.checkpointOf().orElse("-"));
        }
    }

    @Command(name = "rm", description = "Remove images that no container uses.")
    static final class Rm implements java.util.concurrent.Callable<Integer> {
        @ParentCommand
        ImageCommand image;

        @Parameters(paramLabel = "IMAGE", arity = "1..*")
        List<String> refs;

        @Override
        public Integer call() {
            for (String ref : refs) {
                image.ferry.engine().images().remove(ref);
                System.out.println("Untagged: " + ref);
            }
            return 0;
        }
    }
}
