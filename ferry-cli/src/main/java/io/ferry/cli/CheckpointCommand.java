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
import picocli.CommandLine.ParentCommand;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "checkpoint", description = "Checkpoint a running container with CRIU and export it to an archive.")
final class CheckpointCommand implements Callable<Integer> {
    @ParentCommand
    FerryCli ferry;

    @Parameters(paramLabel = "CONTAINER")
    String container;

    @Option(names = {"-e", "--export"}, required = true, paramLabel = "FILE|registry://HOST/REPO:TAG",
            description = {"Write the checkpoint archive to a file, or stream it to a registry as an OCI artifact.",
                    "Signed (FILE.sig, or the artifact's annotations) when this host has keys (`ferry host key`)."})
    String export;

    @Option(names = {"-R", "--leave-running"}, description = "Leave the container running after the checkpoint.")
    boolean leaveRunning;

    @Option(names = "--tcp-established", description = "Checkpoint established TCP connections.")
    boolean tcpEstablished;

    @Option(names = "--ignore-rootfs", description = "Do not include the container's root filesystem changes.")
    boolean ignoreRootfs;

    @Option(names = "--ignore-volumes", description = "Do not include the content of named volumes.")
    boolean ignoreVolumes;

    @Option(names = {"-c", "--compress"}, paramLabel = "zstd|gzip|none", description = "Archive compression (default: ${DEFAULT-VALUE}).")
    String compress = "zstd";

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
        PageServer server = PostCopyFlags.checkpoint(lazyPages, pageServer, leaveRunning);
        CheckpointOptions options = new CheckpointOptions(leaveRunning, tcpEstablished, ignoreRootfs, ignoreVolumes,
                Compression.parse(compress));
        if (server != null) {
            options = options.withPostCopy(server);
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
        CheckpointResult r = ferry.engine().checkpoint(container, options, target).result();
        r.warnings().forEach(w -> System.err.println("WARN: " + w)); // what the archive left out (socket files)
        if (printStats) {
            Map<String, Object> ctr = new LinkedHashMap<>();
            ctr.put("id", r.containerId());
            ctr.put("name", r.name());
            ctr.put("runtime_checkpoint_duration", r.runtimeDuration().toNanos() / 1000);
            ctr.put("archive_bytes", r.archiveBytes());
            ctr.put("criu_statistics", r.statistics());
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("ferry_checkpoint_duration", r.totalDuration().toNanos() / 1000);
            out.put("container_statistics", List.of(ctr));
            System.out.println(Json.string(out));
        } else {
            System.out.println(r.containerId());
        }
        return r.pageServing() == null ? 0 : PostCopyFlags.serve(r.name(), r.pageServing());
    }
}
