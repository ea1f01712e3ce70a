package io.ferry.core.checkpoint;

import io.ferry.core.criu.CheckpointImages;
import io.ferry.core.criu.ProtoMessage;
import io.ferry.core.engine.ArchiveSource;
import io.ferry.core.exec.Commands;
import io.ferry.core.testing.ArchiveRewriter;
import io.ferry.core.testing.CriuImageTamper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * cgroup.img names the cgroup of every task, relative to the root of each hierarchy; runc hands CRIU
 * the container's new cgroup as the root to put in place of the dumped one, but CRIU rewrites only
 * paths that begin with the dumped directory's name (as a string) and follows the rest as given. A
 * crafted image puts the container's init into the host's root devices cgroup (every device of the
 * host open to it) or makes CRIU create cgroups outside the container's. Each is refused before runc
 * runs, and no cgroup appears on the host.
 */
class HostileCgroupImageTest extends RestoreAttack {
    private static final Path DEVICES = Path.of("/sys/fs/cgroup/devices");

    HostileCgroupImageTest() {
        super("cgim");
    }

    @Test
    void theUntamperedArchiveRestoresIntoItsOwnDevicesCgroup() {
        String name = "plain-" + UUID.randomUUID().toString().substring(0, 8);
        target.engine().restore(ArchiveSource.file(archive), RestoreOptions.defaults().named(name));
        try {
            assertThat(devicesCgroupOfInit(name)).isNotEqualTo("/");
        } finally {
            target.engine().containers().remove(name, true);
        }
    }

    @Test
    void aTaskCannotJoinTheHostsRootDevicesCgroup() throws IOException {
        // "/" does not begin with the dumped directory's name: CRIU keeps it, and moves init to the host's root
        Path bad = withMembers(m -> ProtoMessage.parse(m).string(1).equals("devices")
                ? CriuImageTamper.withFields(m, Map.of(2, "/")) : m);
        assertRefusedOrShowDevicesCgroup(bad, "cgroup.img: the \"devices\" cgroup \"/\" of cgroup set",
                "is not the container's own cgroup");
    }

    @Test
    void aCgroupPathCannotReachASiblingOfTheContainersCgroup() throws IOException {
        // The dumped directory's name as a mere string prefix: CRIU swaps it for the container's cgroup
        // and appends the rest, a sibling it creates beside the container's cgroup
        String suffix = "-evil" + UUID.randomUUID().toString().substring(0, 6);
        Path bad = withMembers(m -> {
            ProtoMessage member = ProtoMessage.parse(m);
            return member.string(1).equals("devices")
                    ? CriuImageTamper.withFields(m, Map.of(2, member.string(2) + suffix)) : m;
        });
        try {
            assertRefusedOrShowDevicesCgroup(bad, "cgroup.img: the \"devices\" cgroup \"", "-evil");
        } finally {
            List<String> created = createdCgroups(suffix);
            assertThat(created).as("cgroups CRIU created on the host").isEmpty();
        }
    }

    @Test
    void aCgroupCannotBeCreatedOutsideTheContainersCgroup() throws IOException {
        // A child directory "../NAME" of the dumped cgroup: CRIU creates it beside the container's cgroup
        // (inheriting its parent's devices, not the container's) and moves init there
        String evil = "evil" + UUID.randomUUID().toString().substring(0, 6);
        Path bad = new ArchiveRewriter().change("checkpoint/cgroup.img", img -> CriuImageTamper.entries(img,
                entries -> entries.stream().map(e -> {
                    byte[] members = CriuImageTamper.nested(e, new int[]{1, 2}, m -> {
                        ProtoMessage member = ProtoMessage.parse(m);
                        return member.string(1).equals("devices")
                                ? CriuImageTamper.withFields(m, Map.of(2, member.string(2) + "/../" + evil)) : m;
                    });
                    return CriuImageTamper.nested(members, new int[]{2}, c -> ProtoMessage.parse(c).strings(1)
                            .contains("devices") ? CriuImageTamper.nested(c, new int[]{2}, d -> withChild(d, "../" + evil)) : c);
                }).toList())).writeTo(archive, dir.resolve(UUID.randomUUID() + ".tar.zst"));
        try {
            assertRefusedOrShowDevicesCgroup(bad, "cgroup.img: the cgroup directory \"ferry/", "has sub-cgroups");
        } finally {
            assertThat(createdCgroups(evil)).as("cgroups CRIU created on the host").isEmpty();
        }
    }

    /** A CgroupDirEntry with one more child (children 2) named {@code name} (dir_name 1). */
    private static byte[] withChild(byte[] dirEntry, String name) {
        try {
            java.io.ByteArrayOutputStream child = new java.io.ByteArrayOutputStream();
            com.google.protobuf.CodedOutputStream c = com.google.protobuf.CodedOutputStream.newInstance(child);
            c.writeString(1, name);
            c.flush();
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            out.writeBytes(dirEntry);
            com.google.protobuf.CodedOutputStream o = com.google.protobuf.CodedOutputStream.newInstance(out);
            o.writeByteArray(2, child.toByteArray());
            o.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Every CgMemberEntry (CgroupEntry.sets 1 -> CgSetEntry.ctls 2) of cgroup.img through {@code change}. */
    private Path withMembers(UnaryOperator<byte[]> change) {
        return new ArchiveRewriter().change("checkpoint/cgroup.img", img -> CriuImageTamper.entries(img,
                entries -> entries.stream().map(e -> CriuImageTamper.nested(e, new int[]{1, 2}, change)).toList()))
                .writeTo(archive, dir.resolve(UUID.randomUUID() + ".tar.zst"));
    }

    private void assertRefusedOrShowDevicesCgroup(Path bad, String message, String... more) {
        assertRefusedOrShow(bad, pid -> "in the devices cgroup " + devicesCgroup(pid) + " (the tampered cgroup.img: "
                + describe(bad) + ")", message, more);
    }

    private String devicesCgroupOfInit(String name) {
        try {
            return devicesCgroup(initPid(name));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String devicesCgroup(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + pid + "/cgroup")).stream()
                .filter(l -> l.split(":")[1].equals("devices")).map(l -> l.split(":", 3)[2])
                .findFirst().orElse("(none)");
    }

    /** Host cgroups (of any v1 hierarchy) whose name ends with {@code suffix}; removed again if found. */
    private static List<String> createdCgroups(String suffix) throws IOException {
        try (var found = Files.find(Path.of("/sys/fs/cgroup"), 8,
                (p, a) -> a.isDirectory() && p.getFileName().toString().endsWith(suffix))) {
            List<Path> dirs = found.sorted(java.util.Comparator.reverseOrder()).toList();
            for (Path d : dirs) {
                Files.deleteIfExists(d); // rmdir of an empty cgroup
            }
            return dirs.stream().map(Path::toString).toList();
        }
    }

    private static void describeDir(StringBuilder b, ProtoMessage d, int depth) {
        b.append(" dir").append(depth).append('=').append(d.string(1));
        ProtoMessage perms = d.message(4);
        if (perms != null) {
            b.append(String.format("(%o %d:%d)", perms.uint(1, 0), perms.uint(2, 0), perms.uint(3, 0)));
        }
        d.messages(3).forEach(p -> b.append(" prop ").append(p.string(1)).append('=').append(p.string(2))
                .append(p.has(3) ? String.format("(%o %d:%d)", p.message(3).uint(1, 0), p.message(3).uint(2, 0),
                        p.message(3).uint(3, 0)) : ""));
        d.messages(2).forEach(c -> describeDir(b, c, depth + 1));
    }

    /** The sets of a tampered archive's cgroup.img, for failure messages. */
    private String describe(Path bad) {
        try {
            Path unpacked = Files.createTempDirectory(dir, "unpacked");
            Commands.check("unpacking", List.of("sh", "-c", "zstd -dc '" + bad + "' | tar -x -C '" + unpacked
                    + "' checkpoint/cgroup.img"), Duration.ofSeconds(30));
            StringBuilder b = new StringBuilder();
            for (ProtoMessage set : CheckpointImages.read(unpacked.resolve("checkpoint/cgroup.img")).first().messages(1)) {
                b.append(" set ").append(set.uint(1, -1)).append(':');
                set.messages(2).forEach(m -> b.append(' ').append(m.string(1)).append('=').append(m.string(2)));
            }
            for (ProtoMessage c : CheckpointImages.read(unpacked.resolve("checkpoint/cgroup.img")).first().messages(2)) {
                b.append(" controller ").append(c.strings(1));
                c.messages(2).forEach(d -> describeDir(b, d, 1));
            }
            return b.toString();
        } catch (IOException | RuntimeException e) {
            return "unknown (" + e + ")";
        }
    }
}
