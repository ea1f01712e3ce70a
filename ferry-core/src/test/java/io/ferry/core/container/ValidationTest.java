package io.ferry.core.container;

import io.ferry.core.host.Host;
import io.ferry.core.image.ImageRefs;
import io.ferry.core.tar.EntryNames;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** User input is checked before anything happens, with messages that say what is wrong. */
class ValidationTest {

    @Test
    void volumeSpecs() {
        assertThat(VolumeMount.parse("data:/data")).isEqualTo(new VolumeMount("data", "/data", false));
        assertThat(VolumeMount.parse("data:/srv/x:ro")).isEqualTo(new VolumeMount("data", "/srv/x", true));
        assertThatThrownBy(() -> VolumeMount.parse("data")).hasMessage("invalid volume \"data\": use NAME:/absolute/path[:ro|rw] or /absolute/path (an anonymous volume)");
        assertThatThrownBy(() -> VolumeMount.parse("data:rel")).hasMessageStartingWith("invalid volume \"data:rel\"");
        assertThatThrownBy(() -> VolumeMount.parse("../x:/data")).hasMessageStartingWith("invalid volume name \"../x\"");
        assertThatThrownBy(() -> VolumeMount.parse("d:/a/../b")).hasMessageStartingWith("invalid volume destination \"/a/../b\"");
        assertThatThrownBy(() -> VolumeMount.parse("d:/a//b")).hasMessageStartingWith("invalid volume destination");
        assertThatThrownBy(() -> VolumeMount.parse("d:/a/./b")).hasMessageStartingWith("invalid volume destination");
        assertThatThrownBy(() -> VolumeMount.parse("d:/")).hasMessageStartingWith("invalid volume destination");
    }

    @Test
    void imageReferencesDefaultToLatest() {
        assertThat(ImageRefs.normalize("busybox")).isEqualTo("busybox:latest");
        assertThat(ImageRefs.normalize("localhost:5000/team/app")).isEqualTo("localhost:5000/team/app:latest");
        assertThat(ImageRefs.normalize("registry/app:1.2")).isEqualTo("registry/app:1.2");
        assertThatThrownBy(() -> ImageRefs.normalize("Bad Ref")).hasMessage("invalid image reference \"Bad Ref\"");
        assertThat(ImageRefs.normalize("app:" + "1".repeat(128))).isEqualTo("app:" + "1".repeat(128));
        // digits after a colon are a port only before a path; as a tag they are bounded like any tag
        assertThatThrownBy(() -> ImageRefs.normalize("app:" + "1".repeat(129))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void containerNamesAndIds() {
        assertThat(ContainerStore.newId()).matches("[0-9a-f]{64}");
        assertThat(ContainerStore.validName("web-1.a_b")).isEqualTo("web-1.a_b");
        assertThatThrownBy(() -> ContainerStore.validName("-x")).hasMessageStartingWith("invalid container name \"-x\"");
    }

    @Test
    void hostIdsNamespaceEverythingAHostOwns() {
        Host h = new Host("a", Path.of("/var/lib/ferry/a"));
        String id = "0123456789abcdef".repeat(4);
        assertThat(h.netnsName(id)).isEqualTo("ferry-a-" + id);
        assertThatThrownBy(() -> h.netnsName("0123456789ab")).hasMessageStartingWith("invalid container id \"0123456789ab\"");
        assertThatThrownBy(() -> h.cgroupsPath("../../x")).hasMessageStartingWith("invalid container id \"../../x\"");
        assertThat(h.cgroupsPath(id)).isEqualTo("/ferry/a/" + id);
        assertThat(h.runcRoot()).isEqualTo(Path.of("/var/lib/ferry/a/runc"));
        assertThatThrownBy(() -> new Host("A B", Path.of("/x"))).hasMessageStartingWith("invalid host id \"A B\"");
    }

    @Test
    void entryNamesAreNormalized() {
        assertThat(EntryNames.normalize("./a//b/")).isEqualTo("a/b");
        assertThat(EntryNames.normalize("./")).isEmpty();
    }
}
