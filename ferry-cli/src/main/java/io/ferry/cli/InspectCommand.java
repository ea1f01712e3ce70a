package io.ferry.cli;

import io.ferry.core.archive.ArchiveSummary;
import io.ferry.core.criu.ProcessTreeEntry;
import io.ferry.core.json.Json;
import io.ferry.protocol.Identifiers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "inspect", description = {"Show what a checkpoint archive holds (like checkpointctl show);",
        "given a container instead (no such file), print it as JSON with its NetworkSettings, as Podman's inspect does."})
final class InspectCommand implements Callable<Integer> {
    @ParentCommand
    FerryCli ferry;

    @Parameters(paramLabel = "FILE|CONTAINER")
    Path file;

    @Option(names = "--json", description = "Print the full summary as JSON.")
    boolean json;

    @Override
    public Integer call() {
        if (!Files.exists(file)) {
            var container = ferry.engine().find(file.toString()).orElse(null);
            if (container != null) {
                System.out.println(Json.string(List.of(ContainerInspect.of(ferry.engine(), container))));
                return 0;
            }
        }
        ArchiveSummary s = ferry.engine().inspect(file);
        if (json) {
            System.out.println(Json.string(s));
            return 0;
        }
        var c = s.config().container();
        var k = s.config().checkpoint();
        row("Container", c.name() + " (" + c.id() + ")");
        row("Image", c.image() + " (" + c.imageId().substring(0, Math.min(12, c.imageId().length())) + ")");
        row("Command", String.join(" ", c.command()));
        if (s.config().madeByPodman()) { // libpod's config.dump records no CRIU, kernel or host facts
            row("Made by", "Podman (libpod config.dump, translated)");
            row("Runtime", known(k.runtime()));
            row("CRIU", "unknown (image format " + s.criuImageVersion() + ")");
            var networks = s.config().podman().networks();
            row("Networks", networks.isEmpty() ? "none (loopback only)" : String.join(", ", networks));
        } else {
            row("Made by", "Ferry");
            row("Runtime", k.runtime() + " " + k.runtimeVersion());
            row("CRIU", k.criuVersion() + " (image format " + s.criuImageVersion() + ")");
            row("Checkpointed", k.checkpointedAt() + " on host " + k.hostId() + ", kernel " + k.kernel() + ", "
                    + k.arch() + ", cgroups " + k.cgroupVersion());
            row("Options", (k.leaveRunning() ? "leave-running " : "") + (k.tcpEstablished() ? "tcp-established " : "")
                    + (k.rootfsIncluded() ? "rootfs-diff " : "") + (k.volumesIncluded() ? "volumes" : ""));
        }
        row("Archive", Formats.bytes(s.archiveBytes()) + " (" + s.compression() + "), content " + Formats.bytes(s.contentBytes()));
        row("CRIU images", Formats.bytes(s.criuImageBytes()) + ", memory pages " + Formats.bytes(s.memoryPageBytes()));
        row("Rootfs diff", s.rootfsDiffBytes() > 0 ? Formats.bytes(s.rootfsDiffBytes()) : "none");
        for (Map.Entry<String, Long> v : s.volumeBytes().entrySet()) {
            row("Volume " + v.getKey(), Formats.bytes(v.getValue()));
        }
        if (s.statistics() != null) {
            var st = s.statistics();
            row("Dump stats", "freezing " + st.freezingTime() + " us, frozen " + st.frozenTime() + " us, memdump "
                    + st.memdumpTime() + " us, memwrite " + st.memwriteTime() + " us, pages scanned "
                    + st.pagesScanned() + ", written " + st.pagesWritten());
        }
        System.out.println("Process tree:");
        printTree(s.processTree(), s.processTree().isEmpty() ? 0 : s.processTree().get(0).ppid(), "  ");
        return 0;
    }

    private static String known(String value) {
        return value == null ? "unknown" : value;
    }

    private static void row(String key, String value) {
        System.out.printf("%-14s %s%n", key + ":", Identifiers.escape(value)); // archive text: never raw control characters
    }

    private static void printTree(List<ProcessTreeEntry> tasks, long parent, String indent) {
        for (ProcessTreeEntry t : tasks) {
            if (t.ppid() == parent) {
                System.out.println(indent + "[" + t.pid() + "] " + Identifiers.escape(t.command())
                        + (t.threads() > 1 ? " (" + t.threads() + " threads)" : ""));
                printTree(tasks, t.pid(), indent + "  ");
            }
        }
    }
}
