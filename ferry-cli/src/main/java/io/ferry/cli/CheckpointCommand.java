package io.ferry.cli;

import io.ferry.core.checkpoint.CheckpointOptions;
import io.ferry.core.checkpoint.CheckpointResult;
import io.ferry.core.checkpoint.PageServer;
import io.ferry.core.engine.ArchiveTarget;
import io.ferry.core.json.Json;
import io.ferry.core.tar.Compression;
import io.ferry.core.trust.HostIdentity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "checkpoint", description = {"Checkpoint one or more running containers with CRIU.",
        "With --export the checkpoint is written to an archive (or a registry), with --create-image to a checkpoint"
                + " image; without either it stays on this host: the container stops and `ferry restore CONTAINER`"
                + " brings it back in place, with its name, id and address.",
        "Prints each container as given (its id with --all or --latest)."})
final class CheckpointCommand implements Callable<Integer> {
    @ParentCommand
    FerryCli ferry;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "CONTAINER", description = "The containers to checkpoint (name or id).")
    List<String> containers = new ArrayList<>();

    @Option(names = {"-e", "--export"}, paramLabel = "FILE|registry://HOST/REPO:TAG",
            description = {"Write the checkpoint archive to a file, or stream it to a registry as an OCI artifact.",
                    "Signed (FILE.sig, or the artifact's annotations) when this host has keys (`ferry host key`)."})
    String export;

    @Option(names = "--create-image", paramLabel = "IMAGE",
            description = "Create a checkpoint image with this name (an OCI image holding the checkpoint, listed by"
                    + " `ferry image ls`; `ferry restore IMAGE` restores it).")
    String createImage;

    @Option(names = {"-k", "--keep"}, description = {"Keep all temporary checkpoint files: CRIU's images and its"
            + " dump.log stay in the container's directory (also after --export; `ferry container inspect` shows"
            + " where, CheckpointPath and CheckpointLog)."})
    boolean keep;

    @Option(names = {"-a", "--all"}, description = "Checkpoint all running containers.")
    boolean all;

    @Option(names = {"-l", "--latest"}, description = "Act on the latest container created on this host.")
    boolean latest;

    @Option(names = "--file-locks", description = "Checkpoint a container with file locks (restore it with --file-locks).")
    boolean fileLocks;

    @Option(names = {"-R", "--leave-running"}, description = "Leave the container running after the checkpoint.")
    boolean leaveRunning;

    @Option(names = "--tcp-established", description = "Checkpoint established TCP connections.")
    boolean tcpEstablished;

    @Option(names = "--ignore-rootfs", description = "Do not include the container's root filesystem changes.")
    boolean ignoreRootfs;

    @Option(names = "--ignore-volumes", description = "Do not include the content of named volumes.")
    boolean ignoreVolumes;

    @Option(names = {"-c", "--compress"}, paramLabel = "zstd|gzip|none", description = "Archive compression (default: zstd).")
    String compress;

    @Option(names = "--print-stats", description = "Print checkpoint statistics as JSON.")
    boolean printStats;

    @Option(names = "--encrypt-to", paramLabel = "RECIPIENT",
            description = "Encrypt the exported file (AES-256-GCM) to this host: a file holding its identity line"
                    + " (`ferry host key`), or a host id of this host's trust store <root>/trusted-hosts."
                    + " Repeatable; only the recipients can restore or inspect the file.")
    List<String> encryptTo = new ArrayList<>();

    @Option(names = "--lazy-pages", description = {"Post-copy: export the archive without the memory pages and"
            + " serve those from --page-server (CRIU lazy pages); the target restores at once with `ferry restore"
            + " --lazy-pages` and fetches them while its copy runs. The command prints where the pages are served"
            + " and waits until the target has fetched them all (then the container is gone here), or until"
            + " $FERRY_POSTCOPY_TIMEOUT seconds (default 600) pass or the transfer fails: then it runs here again."})
    boolean lazyPages;

    @Option(names = "--page-server", paramLabel = "ADDRESS:PORT",
            description = "With --lazy-pages: where to serve the memory pages (port 0: a free one, printed).")
    String pageServer;

    @Override
    public Integer call() {
        if (compress != null && export == null) {
            throw new IllegalArgumentException("--compress can only be used with --export");
        }
        if (export == null && ignoreRootfs) {
            throw new IllegalArgumentException("--ignore-rootfs can only be used with --export");
        }
        if (export == null && ignoreVolumes) {
            throw new IllegalArgumentException("--ignore-volumes can only be used with --export");
        }
        if (export != null && createImage != null) {
            throw new IllegalArgumentException("--export and --create-image cannot be used together");
        }
        if (export == null && !encryptTo.isEmpty()) {
            throw new IllegalArgumentException("--encrypt-to can only be used with --export");
        }
        PageServer server = PostCopyFlags.checkpoint(lazyPages, pageServer, leaveRunning);
        if (server != null && export == null) {
            throw new IllegalArgumentException("--lazy-pages can only be used with --export");
        }
        List<ContainerArguments.Target> targets = ContainerArguments.targets(containers, all, latest,
                () -> ferry.engine().runningContainers().stream().map(r -> r.id()).toList(),
                () -> ferry.engine().latestContainer().map(r -> r.id()));
        if (export != null && targets.size() > 1) {
            throw new IllegalArgumentException("--export can only be used with one container");
        }
        CheckpointOptions options = new CheckpointOptions(leaveRunning, tcpEstablished, ignoreRootfs, ignoreVolumes,
                compress == null ? Compression.ZSTD : Compression.parse(compress)).withFileLocks(fileLocks);
        if (keep) {
            options = options.keepingLocalImages();
        }
        if (server != null) {
            options = options.withPostCopy(server);
        }
        if (export == null) {
            CheckpointOptions chosen = options;
            List<Map<String, Object>> stats = new ArrayList<>();
            long start = System.nanoTime();
            int exit = ContainerArguments.each(targets, t -> {
                CheckpointResult r = createImage != null
                        ? ferry.engine().checkpointToImage(t.nameOrId(), chosen, createImage).result()
                        : ferry.engine().checkpointInPlace(t.nameOrId(), chosen);
                tellKept(r);
                r.warnings().forEach(w -> spec.commandLine().getErr().println("WARN: " + w));
                stats.add(statistics(r));
                return printStats ? null : t.shown();
            }, spec.commandLine().getErr());
            if (printStats) {
                printStats(System.nanoTime() - start, stats);
            }
            return exit;
        }
        ArchiveTarget target = ArchiveTarget.parse(export);
        if (!encryptTo.isEmpty()) {
            if (!(target instanceof ArchiveTarget.File file)) {
                throw new IllegalArgumentException("--encrypt-to applies to a file export; a registry archive is"
                        + " encrypted by the migration that pushes it, with the key sent to its target");
            }
            List<HostIdentity> recipients = new ArrayList<>();
            encryptTo.forEach(r -> recipients.addAll(ferry.engine().encryptionRecipients(r)));
            target = new ArchiveTarget.File(file.path(), recipients);
        }
        CheckpointResult r = ferry.engine().checkpoint(targets.get(0).nameOrId(), options, target).result();
        tellKept(r);
        r.warnings().forEach(w -> spec.commandLine().getErr().println("WARN: " + w)); // what the archive left out (socket files)
        if (!leaveRunning && !keep && r.pageServing() == null
                && ferry.engine().containers().get(r.containerId()).config().removesOnExit()) {
            // Podman: a --rm container is cleaned up once it is checkpointed (exported), anonymous volumes too
            ferry.engine().containers().remove(r.containerId(), true, true);
        }
        if (printStats) {
            printStats(r.totalDuration().toNanos(), List.of(statistics(r)));
        } else {
            System.out.println(targets.get(0).shown());
        }
        return r.pageServing() == null ? 0 : PostCopyFlags.serve(r.name(), r.pageServing());
    }

    /** --keep: where CRIU's images and log are (on stderr: stdout is the container, as Podman prints it). */
    private void tellKept(CheckpointResult r) {
        if (keep) {
            ferry.engine().keptCheckpoint(r.containerId()).ifPresent(dir -> spec.commandLine().getErr().println(
                    "checkpoint of " + r.name() + " kept in " + dir + " (CRIU log: " + dir.resolveSibling("dump.log") + ")"));
        }
    }

    private static Map<String, Object> statistics(CheckpointResult r) {
        Map<String, Object> ctr = new LinkedHashMap<>();
        ctr.put("id", r.containerId());
        ctr.put("name", r.name());
        ctr.put("runtime_checkpoint_duration", r.runtimeDuration().toNanos() / 1000);
        ctr.put("archive_bytes", r.archiveBytes());
        ctr.put("criu_statistics", r.statistics());
        return ctr;
    }

    private static void printStats(long totalNanos, List<Map<String, Object>> containers) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ferry_checkpoint_duration", totalNanos / 1000);
        out.put("container_statistics", containers);
        System.out.println(Json.string(out));
    }
}
