package io.ferry.cli;

import io.ferry.core.checkpoint.PageServer;
import io.ferry.core.checkpoint.RestoreOptions;
import io.ferry.core.checkpoint.RestoreResult;
import io.ferry.core.engine.ArchiveSource;
import io.ferry.core.json.Json;
import io.ferry.core.network.PortMapping;
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

@Command(name = "restore", description = {"Restore one or more containers from a checkpoint: an archive"
        + " (--import), checkpoint images, or the checkpoint kept on this host by `ferry checkpoint CONTAINER`.",
        "Prints each container as given (its id with --all, --latest, --import or an image)."})
final class RestoreCommand implements Callable<Integer> {
    @ParentCommand
    FerryCli ferry;

    @Spec
    CommandSpec spec;

    @Option(names = {"-i", "--import"}, paramLabel = "FILE|registry://HOST/REPO:TAG",
            description = "The checkpoint archive: a file (one encrypted to this host is decrypted with its key),"
                    + " or an artifact in a registry (streamed, digest verified).")
    String archive;

    @Parameters(arity = "0..*", paramLabel = "CONTAINER|IMAGE", description = {"Without --import: checkpointed"
            + " containers of this host, restored in place from the checkpoint kept here (with their name, id and"
            + " address), or checkpoint images (`ferry checkpoint --create-image`), each restored as a new container."})
    List<String> containers = new ArrayList<>();

    @Option(names = {"-k", "--keep"}, description = "Keep all temporary checkpoint files: the kept checkpoint (in"
            + " place) and CRIU's restore.log stay in the container's directory (`ferry container inspect` shows"
            + " where, RestoreLog).")
    boolean keep;

    @Option(names = {"-a", "--all"}, description = "Restore all checkpointed containers of this host.")
    boolean all;

    @Option(names = {"-l", "--latest"}, description = "Act on the latest container created on this host.")
    boolean latest;

    @Option(names = "--rollback", description = {"Restore a migration's source copy from the checkpoint kept here"
            + " for its rollback, once that migration has failed (while it is under way its target runs the"
            + " container: a plain restore of the copy is refused, it would make two); also one a post-copy migration"
            + " holds frozen here. Only such copies, named or --latest (not with --all)."})
    boolean rollback;

    @Option(names = "--file-locks", description = "Restore a container with file locks (checkpointed with --file-locks).")
    boolean fileLocks;

    @Option(names = "--ignore-static-ip", description = "Do not keep the archived IP address: get a new one on the network.")
    boolean ignoreStaticIp;

    @Option(names = "--ignore-static-mac", description = "Do not keep the archived MAC address: get a new one.")
    boolean ignoreStaticMac;

    @Option(names = "--tcp-close", description = "Restore established TCP connections closed (their peers see them end).")
    boolean tcpClose;

    @Option(names = {"-p", "--publish"}, paramLabel = "[HOSTIP:]HOSTPORT:CTRPORT[/tcp|udp]",
            description = "With --import: publish these ports instead of the archived ones (repeatable).")
    List<String> publish = new ArrayList<>();

    @Option(names = {"-n", "--name"}, description = "Restore as a new container with this name (and a new id).")
    String name;

    @Option(names = "--tcp-established", description = "Restore established TCP connections.")
    boolean tcpEstablished;

    @Option(names = "--ignore-rootfs", description = "Do not restore the root filesystem changes from the archive.")
    boolean ignoreRootfs;

    @Option(names = "--ignore-volumes", description = "Do not restore volume content; the volumes must exist.")
    boolean ignoreVolumes;

    @Option(names = "--print-stats", description = "Print restore statistics as JSON.")
    boolean printStats;

    @Option(names = "--require-signed", description = {"Refuse an archive without a valid signature by a host in the"
            + " trust store (a file's FILE.sig; also $FERRY_REQUIRE_SIGNED=true). A present signature is always checked."})
    boolean requireSigned;

    @Option(names = "--lazy-pages", description = {"Post-copy: the archive holds no memory pages (`ferry checkpoint"
            + " --lazy-pages`); restore at once and fetch them from the source's --page-server while the container"
            + " runs. The command prints the container's id as soon as it runs and stays until every page has"
            + " arrived (it watches the transfer: if the source goes away first, the copy cannot go on and is"
            + " killed, and the command fails)."})
    boolean lazyPages;

    @Option(names = "--page-server", paramLabel = "ADDRESS:PORT",
            description = "With --lazy-pages: the source's page server, as its `ferry checkpoint --lazy-pages` printed it.")
    String pageServer;

    @Override
    public Integer call() {
        if (requireSigned) {
            ferry.requireSigned = true;
        }
        List<String> importOnly = new ArrayList<>();
        if (ignoreRootfs) {
            importOnly.add("--ignore-rootfs");
        }
        if (ignoreVolumes) {
            importOnly.add("--ignore-volumes");
        }
        if (!publish.isEmpty()) {
            importOnly.add("--publish");
        }
        ContainerArguments.RestoreKind kind = ContainerArguments.restoreKind(archive, containers, all, latest, name,
                tcpEstablished, importOnly, c -> ferry.engine().find(c).isPresent(),
                c -> ferry.engine().checkpointImage(c).isPresent());
        String inPlaceOnly = ignoreStaticIp ? "--ignore-static-ip" : ignoreStaticMac ? "--ignore-static-mac"
                : tcpClose ? "--tcp-close" : lazyPages ? "--lazy-pages" : null;
        if (kind == ContainerArguments.RestoreKind.CONTAINERS && inPlaceOnly != null) {
            throw new IllegalArgumentException(inPlaceOnly + " can only be used with image or --import");
        }
        if (rollback && (kind != ContainerArguments.RestoreKind.CONTAINERS || all)) {
            throw new IllegalArgumentException("--rollback can only be used with checkpointed containers (not with"
                    + " --all, --import or an image)");
        }
        RestoreOptions options = new RestoreOptions(name, tcpEstablished, ignoreRootfs, ignoreVolumes)
                .ignoringStatic(ignoreStaticIp, ignoreStaticMac)
                .publishing(publish.stream().map(PortMapping::parse).toList())
                .withFileLocks(fileLocks).keeping(keep);
        if (tcpClose) {
            options = options.closingTcp();
        }
        if (kind == ContainerArguments.RestoreKind.CONTAINERS) {
            RestoreOptions chosen = options;
            List<ContainerArguments.Target> targets = ContainerArguments.targets(containers, all, latest,
                    () -> ferry.engine().checkpointedContainers().stream().map(r -> r.id()).toList(),
                    () -> ferry.engine().latestContainer().map(r -> r.id()));
            return ContainerArguments.each(targets, t -> {
                var restored = ferry.engine().restoreInPlace(t.nameOrId(), chosen, rollback);
                tellKept(restored.id());
                return t.shown();
            }, spec.commandLine().getErr());
        }
        if (kind == ContainerArguments.RestoreKind.IMAGES) {
            if (lazyPages) {
                throw new IllegalArgumentException("--lazy-pages can only be used with --import");
            }
            RestoreOptions chosen = options;
            List<ContainerArguments.Target> images = containers.stream().map(c -> new ContainerArguments.Target(c, c)).toList();
            return ContainerArguments.each(images, t -> {
                RestoreResult r = ferry.engine().restore(ferry.engine().checkpointImage(t.nameOrId()).orElseThrow(), chosen);
                tellKept(r.container().id());
                return r.container().id();
            }, spec.commandLine().getErr());
        }
        PageServer server = PostCopyFlags.restore(lazyPages, pageServer);
        if (server != null) {
            options = options.withPostCopyFrom(server);
        }
        RestoreResult r = ferry.engine().restore(ArchiveSource.parse(archive), options);
        tellKept(r.container().id());
        if (printStats) {
            Map<String, Object> ctr = new LinkedHashMap<>();
            ctr.put("id", r.container().id());
            ctr.put("name", r.container().name());
            ctr.put("runtime_restore_duration", r.runtimeDuration().toNanos() / 1000);
            ctr.put("criu_statistics", r.statistics());
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("ferry_restore_duration", r.totalDuration().toNanos() / 1000);
            out.put("container_statistics", List.of(ctr));
            System.out.println(Json.string(out));
        } else {
            System.out.println(r.container().id());
        }
        return r.pageFetching() == null ? 0 : PostCopyFlags.fetch(r.container().name(), r.pageFetching());
    }

    /** --keep: where CRIU's restore.log (and an in-place restore's checkpoint) are; on stderr. */
    private void tellKept(String id) {
        if (!keep) {
            return;
        }
        var history = ferry.engine().containers().get(id).historyOrNone();
        if (history.restoreLog() != null) {
            spec.commandLine().getErr().println("CRIU's restore.log of " + id + " kept at " + history.restoreLog()
                    + ferry.engine().keptCheckpoint(id).map(d -> ", its checkpoint in " + d).orElse(""));
        }
    }
}
