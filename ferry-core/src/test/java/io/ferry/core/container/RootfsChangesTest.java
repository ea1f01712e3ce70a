package io.ferry.core.container;

import io.ferry.core.container.RootfsChanges.Entry;
import io.ferry.core.container.RootfsChanges.Layer;
import org.junit.jupiter.api.Test;

import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** podman diff's classification of an overlay upper dir over its lower layers, without a filesystem. */
class RootfsChangesTest {
    private static final Entry FILE = Entry.FILE;
    private static final Entry WHITEOUT = new Entry(true, false, false, 0, 0, null);

    private static Entry dir(long mtime) {
        return new Entry(false, true, false, 4096, 040755, FileTime.fromMillis(mtime));
    }

    private static Entry opaqueDir(long mtime) {
        return new Entry(false, true, true, 4096, 040755, FileTime.fromMillis(mtime));
    }

    private static final class MapLayer implements Layer {
        final Map<String, Entry> entries = new HashMap<>();

        MapLayer with(String path, Entry e) {
            entries.put(path, e);
            return this;
        }

        @Override
        public Entry at(String path) {
            return entries.get(path);
        }

        List<String> paths() {
            return entries.keySet().stream().sorted(RootfsChanges::comparePaths).toList();
        }
    }

    private static List<String> diff(MapLayer upper, Set<String> excluded, MapLayer... lower) {
        return RootfsChanges.classify(upper.paths(), upper, List.of(lower), excluded).stream()
                .map(RootfsChanges.Change::toString).toList();
    }

    @Test
    void addedChangedAndDeletedFilesWithTheirParentDirectoriesInPathOrder() {
        MapLayer image = new MapLayer().with("/etc", dir(1)).with("/etc/deleteme", FILE).with("/etc/passwd", FILE)
                .with("/bin", dir(1)).with("/bin/ls", FILE).with("/tmp", dir(1));
        MapLayer upper = new MapLayer().with("/etc", dir(2)).with("/etc/passwd", FILE).with("/etc/deleteme", WHITEOUT)
                .with("/bin", dir(1)).with("/bin/ls", WHITEOUT).with("/tmp", dir(2)).with("/tmp/new", FILE)
                .with("/srv", dir(3)).with("/srv/a", FILE).with("/srv-b", FILE);

        assertThat(diff(upper, Set.of(), image)).containsExactly(
                "C /bin", "D /bin/ls", "C /etc", "D /etc/deleteme", "C /etc/passwd",
                "A /srv", "A /srv/a", "A /srv-b", "C /tmp", "A /tmp/new");
    }

    @Test
    void aDirectoryCopiedUpUnchangedIsNotListedButTheParentOfAnAddedFileIs() {
        MapLayer image = new MapLayer().with("/var", dir(1)).with("/var/www", dir(1));
        MapLayer upper = new MapLayer().with("/var", dir(1)).with("/var/www", dir(1)).with("/var/www/index", FILE);

        assertThat(diff(upper, Set.of(), image)).containsExactly("C /var", "C /var/www", "A /var/www/index");
    }

    @Test
    void aPathWhitedOutInALowerLayerIsAddedAgainNotChanged() {
        MapLayer base = new MapLayer().with("/opt", dir(1)).with("/opt/x", FILE);
        MapLayer top = new MapLayer().with("/opt", WHITEOUT);
        MapLayer upper = new MapLayer().with("/opt", dir(5)).with("/opt/x", FILE);

        assertThat(diff(upper, Set.of(), top, base)).containsExactly("A /opt", "A /opt/x");
    }

    @Test
    void anOpaqueDirectoryOverALowerOneIsDeletedAndItsContentListed() {
        MapLayer image = new MapLayer().with("/data", dir(1)).with("/data/old", FILE);
        MapLayer upper = new MapLayer().with("/data", opaqueDir(2)).with("/data/new", FILE);

        assertThat(diff(upper, Set.of(), image)).containsExactly("D /data", "A /data/new");
    }

    @Test
    void podmansInitInodesAndTheContainersMountPointsAreLeftOut() {
        MapLayer image = new MapLayer().with("/etc", dir(1));
        MapLayer upper = new MapLayer().with("/etc", dir(2)).with("/etc/hosts", FILE).with("/proc", dir(2))
                .with("/data", dir(2)).with("/data2", dir(2));
        Set<String> excluded = new java.util.HashSet<>(RootfsChanges.INIT_INODES);
        excluded.add("/data");

        assertThat(diff(upper, excluded, image)).containsExactly("A /data2", "C /etc");
    }
}
