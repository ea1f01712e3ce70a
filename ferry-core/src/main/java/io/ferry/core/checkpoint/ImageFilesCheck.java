package io.ferry.core.checkpoint;

import io.ferry.core.criu.CheckpointImages;
import io.ferry.core.criu.ProtoMessage;
import io.ferry.core.error.InvalidArchiveException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Defence in depth: checkpoint/ may hold only the images CRIU 4.2 writes for a runc container of
 * this host (criu/image-desc.c) and runc's descriptors.json, each a regular file. Images that would
 * restore state a container here cannot have are refused with the rest: host-wide state (AppArmor
 * policy, binfmt_misc, BPF maps), a user namespace, autofs, tun devices, and network namespace
 * content (interfaces, addresses, routes, rules, firewall tables, conntrack), which belongs to the
 * namespace this host makes for the container, never to the archive: netns-N.img may only name that
 * namespace (runc's external key), or CRIU would make a network namespace of the image's content.
 */
final class ImageFilesCheck {
    private static final String N = "\\d{1,10}";
    private static final String X = "[0-9a-f]{1,16}";
    private static final Pattern ALLOWED = Pattern.compile(String.join("|",
            "descriptors\\.json",
            "(inventory|reg-files|ext-files|ns-files|eventfd|eventpoll|eventpoll-tfd|signalfd|inotify|inotify-wd"
                    + "|fanotify|fanotify-mark|pipes|pipes-data|fifo|fifo-data|pstree|unixsk|inetsk|packetsk|netlinksk"
                    + "|sk-queues|remap-fpath|memfd|tty|tty-info|tty-data|filelocks|cgroup|timerfd|cpuinfo|seccomp"
                    + "|files|pidfd)\\.img",
            "(fdinfo|pagemap|pagemap-shmem|core|ids|mm|vmas|sigacts|itimers|posix-timers|creds|utsns|ipcns-var"
                    + "|ipcns-shm|ipcns-msg|ipcns-sem|fs|mountpoints|rlimit|pages|pages-shmem|signal-s|signal-p"
                    + "|timens|pidns|netns)-" + N + "\\.img",
            "(ghost-file|tcp-stream)-" + X + "\\.img",
            "tmpfs(-dev)?-" + N + "\\.tar\\.gz\\.img"));

    private static final String EXTERNAL_NETNS = "extRootNetNS";

    private ImageFilesCheck() {
    }

    static void check(Path imagesDir) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(imagesDir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (!ALLOWED.matcher(name).matches()) {
                    throw new InvalidArchiveException("checkpoint/" + shown(name)
                            + " is not an image CRIU writes for a container of this host");
                }
                if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    throw new InvalidArchiveException("checkpoint/" + name + " is not a regular file");
                }
                if (name.startsWith("netns-")) {
                    requireExternal(file, name);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw new InvalidArchiveException("cannot read the checkpoint images: " + e.getMessage(), e);
        }
    }

    /** NetnsEntry.ext_key (field 8): the namespace runc hands CRIU, not one CRIU builds. */
    private static void requireExternal(Path file, String name) throws IOException {
        List<ProtoMessage> entries = CheckpointImages.read(file).entries();
        for (ProtoMessage netns : entries) {
            if (!EXTERNAL_NETNS.equals(netns.string(8))) {
                throw new InvalidArchiveException("checkpoint/" + name + " describes a network namespace of its own"
                        + " instead of naming the one this host makes for the container");
            }
        }
    }

    private static String shown(String value) {
        StringBuilder b = new StringBuilder();
        value.codePoints().limit(80).forEach(c -> b.append(c >= 0x20 && c < 0x7f ? (char) c : '?'));
        return b.append(value.length() > 80 ? "..." : "").toString();
    }
}
