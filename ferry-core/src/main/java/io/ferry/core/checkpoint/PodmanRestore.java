package io.ferry.core.checkpoint;

import io.ferry.core.archive.ExtractedCheckpoint;
import io.ferry.core.archive.NetworkStatus;
import io.ferry.core.archive.PodmanConfig;
import io.ferry.core.container.ContainerLayout;
import io.ferry.core.container.PodmanSpec;
import io.ferry.core.error.IncompatibleException;
import io.ferry.core.json.Json;
import io.ferry.core.network.Cidr;
import io.ferry.core.network.Ipv4;
import io.ferry.core.tar.ArchiveLimits;
import io.ferry.core.tar.SafeExtractor;
import io.ferry.protocol.Identifiers;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of restoring an archive Podman wrote that differ from restoring Ferry's: its container on a
 * network is refused (naming the network), and the files Podman bind-mounted from its userdata
 * directory are written by Ferry (devshm-checkpoint.tar becomes /dev/shm's content) and bound at the
 * same places, so CRIU finds every mount it dumped.
 */
final class PodmanRestore {
    private static final String FILES_DIR = "podman";
    /** A k8s-file log line (Podman's log driver): time, stream, partial flag, text. */
    private static final Pattern K8S_LINE = Pattern.compile("\\S+ (?:stdout|stderr) ([PF]) ?(.*)");
    /** The head of a k8s-file line with text: time, stream, partial flag and the space before the text. */
    private static final Pattern K8S_HEAD = Pattern.compile("\\S+ (?:stdout|stderr) ([PF]) ");
    /** Longer than any k8s-file head (an RFC 3339 time, the stream, the flag). */
    private static final int MAX_HEAD = 128;

    private PodmanRestore() {
    }

    /** What Ferry takes of the archive's spec.dump; a container on a Podman network is refused here. */
    static PodmanSpec vet(ExtractedCheckpoint archive) {
        PodmanConfig.Origin origin = archive.config().podman();
        if (!origin.networks().isEmpty()) {
            String network = origin.networks().get(0);
            NetworkStatus.Archived eth0 = NetworkStatus.read(archive.networkStatus(), network).orElse(null);
            String subnet = eth0 == null ? "SUBNET"
                    : new Cidr(Ipv4.parse(eth0.ip(), "address") & Cidr.mask(eth0.prefixLength()), eth0.prefixLength()).toString();
            String recorded = eth0 == null ? "no address recorded"
                    : "eth0 " + eth0.ip() + "/" + eth0.prefixLength() + (eth0.gateway() == null ? "" : ", gateway "
                    + eth0.gateway()) + ", subnet " + subnet;
            throw new IncompatibleException("the Podman container was on Podman network " + Identifiers.quote(network)
                    + " (network.status: " + recorded + "); Ferry restores a Podman container only without a network"
                    + " (podman run --network none): Podman's network namespace (its veth, address and firewall rules)"
                    + " is not carried. To run the workload on a Ferry network of that subnet, create it (ferry network"
                    + " create --subnet " + subnet + " " + network + ") and run it there, or restore this archive with Podman");
        }
        return PodmanSpec.of(archive.spec(), archive.config().container());
    }

    /** Writes Podman's bound files into the container's directory and binds them in its spec. */
    static void provide(ExtractedCheckpoint archive, PodmanSpec podman, ContainerLayout layout, ArchiveLimits limits)
            throws IOException {
        Path files = Files.createDirectories(layout.dir().resolve(FILES_DIR));
        Files.writeString(files.resolve("hostname"), podman.hostname() + "\n");
        Files.writeString(files.resolve("hosts"), "127.0.0.1\tlocalhost\n::1\tlocalhost\n127.0.1.1\t"
                + podman.hostname() + "\n");
        Files.writeString(files.resolve("resolv.conf"), "");
        Files.writeString(files.resolve("containerenv"), "engine=\"ferry\"\n");
        Path shm = Files.createDirectories(files.resolve("shm"));
        Files.setPosixFilePermissions(shm, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        Path devshm = archive.devShmTar().orElse(null);
        if (devshm != null) {
            try (InputStream in = Files.newInputStream(devshm)) {
                new SafeExtractor(limits, SafeExtractor.Links.CONFINED).extract(in, shm);
            }
        }
        ObjectNode spec = Json.readTree(layout.spec());
        Json.write(layout.spec(), podman.applyTo(spec, files));
    }

    /**
     * Podman's ctr.log (k8s-file lines) as Ferry's plain log: the text of each line. Streamed: only a line's
     * head (time, stream, flag) is held, never the line (the archive's file: one line may be gigabytes).
     */
    static void copyLog(Path podmanLog, Path log) throws IOException {
        try (Reader in = Files.newBufferedReader(podmanLog, StandardCharsets.UTF_8);
             Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            StringBuilder head = new StringBuilder();
            boolean inText = false; // past the head: the rest of the line is copied as it comes
            boolean partial = false; // P: the line goes on in the next record
            boolean pending = false; // something of the current line was read
            int c;
            while ((c = in.read()) != -1) {
                pending = true;
                if (c == '\n') {
                    partial = endLine(head, inText, partial, out);
                    head.setLength(0);
                    inText = false;
                    pending = false;
                } else if (inText) {
                    out.write(c);
                } else {
                    head.append((char) c);
                    Matcher m = c == ' ' ? K8S_HEAD.matcher(head) : null; // a head ends with a space: match only then
                    if (m != null && m.matches()) {
                        inText = true;
                        partial = m.group(1).equals("P");
                    } else if (head.length() > MAX_HEAD) { // no k8s line: copied as it is
                        out.append(head);
                        inText = true;
                        partial = false;
                    }
                }
            }
            if (pending) {
                endLine(head, inText, partial, out);
            }
        }
    }

    /** Ends a line whose head is {@code head} (its text already copied when {@code inText}); whether it was partial. */
    private static boolean endLine(StringBuilder head, boolean inText, boolean partial, Writer out) throws IOException {
        if (!inText) { // the whole line was its head: "TIME stdout F" without text, or a short plain line
            Matcher m = K8S_LINE.matcher(head);
            partial = m.matches() && m.group(1).equals("P");
            out.append(m.matches() ? m.group(2) : head);
        }
        if (!partial) {
            out.write('\n');
        }
        return partial;
    }
}
