package io.ferry.cli;

import io.ferry.core.checkpoint.CheckpointOptions;
import io.ferry.core.json.Json;
import io.ferry.core.os.FileTrees;
import io.ferry.core.testing.ArchiveRewriter;
import io.ferry.core.testing.TestHost;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Archives made by another tool, or broken on purpose, get a clear message and exit code 5 from
 * {@code ferry inspect} and {@code ferry restore}: never Java exception text.
 */
@Tag("host")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ForeignArchiveCliTest {
    private TestHost host;
    private Path dir;
    private Path archive;

    @BeforeAll
    void checkpointALooper() throws IOException {
        host = TestHost.create("foreign");
        dir = Files.createTempDirectory("ferry-foreign");
        archive = host.checkpointLooper(dir.resolve("looper.tar.zst"), CheckpointOptions.defaults());
    }

    @AfterAll
    void cleanUp() {
        host.close();
        FileTrees.deleteRecursively(dir);
    }

    private FerryCliTest.Run ferry(String... args) {
        return FerryCliTest.ferry(host, args);
    }

    private Path tar(String name, Map<String, String> entries) throws IOException {
        Path file = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(file); TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                byte[] content = e.getValue().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
                entry.setSize(content.length);
                tar.putArchiveEntry(entry);
                tar.write(content);
                tar.closeArchiveEntry();
            }
        }
        return file;
    }

    private void assertInvalidArchive(FerryCliTest.Run run, String message) {
        assertThat(run.exit()).as(run.all()).isEqualTo(FerryCli.EXIT_INVALID_ARCHIVE);
        assertThat(run.err()).contains(message);
        assertThat(run.all()).doesNotContainPattern("Exception|java\\.|tools\\.jackson|\\bnull\\b");
    }

    @Test
    void inspectOfAnArchiveMadeByAnotherToolSaysWhatIsWrong() throws IOException {
        Map<String, String> podman = new LinkedHashMap<>();
        podman.put("config.dump", "{\"id\":\"4a1b\",\"name\":\"looper\",\"rootfsImageName\":\"busybox\"}");
        podman.put("spec.dump", "{\"ociVersion\":\"1.0.2\"}");
        assertInvalidArchive(ferry("inspect", tar("podman.tar", podman).toString()), // libpod's, lacking its image id
                "config.dump is not a Podman container config Ferry can restore (\"rootfsImageID\" is missing");

        assertInvalidArchive(ferry("inspect", tar("only-spec.tar", Map.of("spec.dump", "{}")).toString()),
                "config.dump is missing");
        assertInvalidArchive(ferry("inspect", tar("wrong-types.tar",
                        Map.of("config.dump", "{\"container\":\"looper\",\"checkpoint\":1}")).toString()),
                "config.dump is not a Ferry container config");
        assertInvalidArchive(ferry("inspect", tar("array.tar", Map.of("config.dump", "[1,2]")).toString()),
                "config.dump is not a Ferry container config");
        assertInvalidArchive(ferry("inspect", tar("not-json.tar", Map.of("config.dump", "{nope")).toString()),
                "config.dump is not valid JSON");
    }

    @Test
    void inspectOfAFerryArchiveWithMissingOrBrokenPartsSaysWhichPart() {
        Path noFacts = new ArchiveRewriter().change("config.dump", b -> {
            ObjectNode config = (ObjectNode) Json.MAPPER.readTree(b);
            config.remove("checkpoint");
            ((ObjectNode) config.get("container")).remove("command");
            return Json.bytes(config);
        }).writeTo(archive, dir.resolve("no-facts.tar.zst"));
        assertInvalidArchive(ferry("inspect", noFacts.toString()), "config.dump is not a Ferry container config");

        Path badCore = new ArchiveRewriter().change("checkpoint/core-1.img",
                b -> new byte[]{0x19, 0x43, 0x56, 0x54, 0x01, 0x02, 0x03, 0x04, 4, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff})
                .writeTo(archive, dir.resolve("bad-core.tar.zst"));
        assertInvalidArchive(ferry("inspect", badCore.toString()), "checkpoint/core-1.img");

        TarArchiveEntry hugePid = new TarArchiveEntry("checkpoint/core-99999999999999999999999.img");
        hugePid.setSize(0);
        Path hugeCore = new ArchiveRewriter().add(hugePid, new byte[0]).writeTo(archive, dir.resolve("huge-pid.tar.zst"));
        assertInvalidArchive(ferry("inspect", hugeCore.toString()), "checkpoint/core-99999999999999999999999.img");
    }

    @Test
    void restoreOfASpecWithoutRootOrLinuxIsAnInvalidArchive() {
        List<String> netnsBefore = host.leftoverNetns();
        List<String> mountsBefore = host.leftoverMounts();
        for (String part : List.of("root", "linux")) {
            Path bad = new ArchiveRewriter().change("spec.dump", b -> {
                ObjectNode spec = (ObjectNode) Json.MAPPER.readTree(b);
                spec.remove(part);
                return Json.bytes(spec);
            }).writeTo(archive, dir.resolve("no-" + part + ".tar.zst"));
            assertInvalidArchive(ferry("restore", "--import", bad.toString(), "--name", "copy-" + part),
                    "spec.dump: \"" + part + "\" is missing");
        }
        assertThat(host.leftoverNetns()).isEqualTo(netnsBefore); // the checkpointed looper's stays
        assertThat(host.leftoverMounts()).isEqualTo(mountsBefore);
    }
}
