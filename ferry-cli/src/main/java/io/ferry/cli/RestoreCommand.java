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
import picocli.CommandLine.ParentCommand;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "restore", description = "Restore a container from a checkpoint archive.")
final class RestoreCommand implements Callable<Integer> {
    @ParentCommand
    FerryCli ferry;

    @Option(names = {"-i", "--import"}, paramLabel = "FILE|registry://HOST/REPO:TAG",
            description = "The checkpoint archive: a file (one encrypted to this host is decrypted with its key),"
                    + " or an artifact in a registry (streamed, digest verified).")
    String archive;

    @Parameters(arity = "0..1", paramLabel = "CONTAINER", description = "Without --import: restore this stopped"
            + " container in place from the checkpoint kept on this host (a migration's source after a failed move).")
    String container;

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
        if (tcpEstablished && name != null) {
            throw new IllegalArgumentException("--tcp-established cannot be used with --name");
        }
        if (archive == null) {
            return restoreInPlace();
        }
        if (container != null) {
            throw new IllegalArgumentException("give --import FILE or a CONTAINER to restore in place, not both");
        }
        PageServer server = PostCopyFlags.restore(lazyPages, pageServer);
        RestoreOptions options = new RestoreOptions(name, tcpEstablished, ignoreRootfs, ignoreVolumes)
                .ignoringStatic(ignoreStaticIp, ignoreStaticMac)
                .publishing(publish.stream().map(PortMapping::parse).toList());
        if (tcpClose) {
            options = options.closingTcp();
        }
        if (server != null) {
            options = options.withPostCopyFrom(server);
        }
        RestoreResult r = ferry.engine().restore(ArchiveSource.parse(archive), options);
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

    /** Podman's {@code restore CONTAINER}: from the checkpoint kept here, with the address it has. */
    private Integer restoreInPlace() {
        if (!publish.isEmpty()) {
            throw new IllegalArgumentException("--publish can only be used with image or --import");
        }
        if (container == null) {
            throw new IllegalArgumentException("give --import FILE|registry://... or a CONTAINER checkpointed on this host");
        }
        String given = name != null ? "--name" : ignoreStaticIp ? "--ignore-static-ip" : ignoreStaticMac
                ? "--ignore-static-mac" : tcpClose ? "--tcp-close" : lazyPages ? "--lazy-pages" : null;
        if (given != null) {
            throw new IllegalArgumentException(given + " can only be used with --import");
        }
        System.out.println(ferry.engine().restoreInPlace(container, tcpEstablished).id());
        return 0;
    }
}
