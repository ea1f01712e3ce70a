package io.ferry.cli;

import io.ferry.cli.ContainerArguments.RestoreKind;
import io.ferry.cli.ContainerArguments.Target;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Podman's argument rules of checkpoint/restore (--all, --latest, names, images, --import), its messages. */
class ContainerArgumentsTest {
    private static final Set<String> CONTAINERS = Set.of("web", "db");
    private static final Set<String> IMAGES = Set.of("ckpt:1", "ckpt:2");

    private static RestoreKind kind(String archive, List<String> args, boolean all, boolean latest, String name,
                                    List<String> importOnly) {
        return ContainerArguments.restoreKind(archive, args, all, latest, name, false, importOnly,
                CONTAINERS::contains, IMAGES::contains);
    }

    private static void refused(Runnable r, String message) {
        assertThatThrownBy(r::run).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void targetsAreWhatWasTypedOrTheIdsOfAllOrLatest() {
        assertThat(ContainerArguments.targets(List.of("web", "4a1b2c"), false, false, List::of, Optional::empty))
                .containsExactly(new Target("web", "web"), new Target("4a1b2c", "4a1b2c"));
        assertThat(ContainerArguments.targets(List.of(), true, false, () -> List.of("id1", "id2"), Optional::empty))
                .containsExactly(new Target("id1", "id1"), new Target("id2", "id2"));
        assertThat(ContainerArguments.targets(List.of(), false, true, List::of, () -> Optional.of("id9")))
                .containsExactly(new Target("id9", "id9"));
    }

    @Test
    void podmansChecksOfAllLatestAndNames() {
        refused(() -> ContainerArguments.check(List.of(), true, true), "--all and --latest cannot be used together");
        refused(() -> ContainerArguments.check(List.of("web"), true, false), "no arguments are needed with --all");
        refused(() -> ContainerArguments.check(List.of("web"), false, true), "--latest and containers cannot be used together");
        refused(() -> ContainerArguments.check(List.of(), false, false), "you must provide at least one name or id");
    }

    @Test
    void restoreArgumentsAreContainersWhenOneIsAContainerElseCheckpointImages() {
        assertThat(kind(null, List.of("web"), false, false, null, List.of())).isEqualTo(RestoreKind.CONTAINERS);
        assertThat(kind(null, List.of("web", "ckpt:1"), false, false, null, List.of())).isEqualTo(RestoreKind.CONTAINERS);
        assertThat(kind(null, List.of("ckpt:1", "ckpt:2"), false, false, null, List.of())).isEqualTo(RestoreKind.IMAGES);
        assertThat(kind(null, List.of("ckpt:1"), false, false, "copy", List.of("--ignore-rootfs"))).isEqualTo(RestoreKind.IMAGES);
        assertThat(kind(null, List.of("gone"), false, false, null, List.of())).as("not found later, as Podman")
                .isEqualTo(RestoreKind.CONTAINERS);
        assertThat(kind(null, List.of(), true, false, null, List.of())).isEqualTo(RestoreKind.CONTAINERS);
        assertThat(kind("ck.tar", List.of(), false, false, "copy", List.of("--ignore-rootfs"))).isEqualTo(RestoreKind.IMPORT);
    }

    @Test
    void restoreRefusalsInPodmansWords() {
        refused(() -> kind(null, List.of("ckpt:1", "ckpt:2"), false, false, "copy", List.of()),
                "--name can only be used with one checkpoint image");
        refused(() -> kind(null, List.of("web"), false, false, "copy", List.of()), "--name can only be used with image or --import");
        refused(() -> kind(null, List.of("web"), false, false, null, List.of("--ignore-rootfs")),
                "--ignore-rootfs can only be used with image or --import");
        refused(() -> kind("ck.tar", List.of(), true, false, null, List.of()), "cannot use --import with --all or --latest");
        refused(() -> kind("ck.tar", List.of("web"), false, false, null, List.of()), "cannot use --import with positional arguments");
        refused(() -> kind(null, List.of("web"), true, false, null, List.of()), "--all or --latest and containers cannot be used together");
        refused(() -> kind(null, List.of(), false, false, null, List.of()), "you must provide at least one name or id");
        refused(() -> ContainerArguments.restoreKind(null, List.of("ckpt:1"), false, false, "copy", true, List.of(),
                CONTAINERS::contains, IMAGES::contains), "--tcp-established cannot be used with --name");
    }
}
