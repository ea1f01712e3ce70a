package io.ferry.core.archive;

import io.ferry.core.criu.CheckpointImages;
import io.ferry.core.criu.CriuImageFile;
import io.ferry.core.criu.ProcessTreeEntry;
import io.ferry.core.error.InvalidArchiveException;
import io.ferry.core.tar.ArchiveLimits;
import io.ferry.core.tar.Compression;
import io.ferry.core.tar.EntryNames;
import io.ferry.core.tar.TarEntries;
import io.ferry.protocol.DumpStatistics;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import tools.jackson.core.JacksonException;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an archive as a stream, without unpacking it: sizes by part, config.dump, CRIU's statistics
 * and the process tree (pstree.img, commands from core-PID.img). Only small metadata is held in memory.
 */
public final class ArchiveInspector {
    // at most 18 digits: a pid that fits a long
    private static final Pattern CORE = Pattern.compile("checkpoint/core-(\\d+)\\.img");
    private static final Pattern VOLUME = Pattern.compile("volumes/(.+)\\.tar");

    private ArchiveInspector() {
    }

    public static ArchiveSummary inspect(Path file, ArchiveLimits limits) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            Compression compression = Compression.detect((BufferedInputStream) raw);
            return inspect(Compression.decompress(raw), compression, Files.size(file), limits);
        } catch (IOException e) {
            throw new InvalidArchiveException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * An archive read from a stream (e.g. one being decrypted); {@code wrapping} is added to the
     * compression's name in the summary ("zstd, encrypted").
     */
    public static ArchiveSummary inspect(InputStream archive, long archiveBytes, String wrapping, ArchiveLimits limits) {
        try {
            BufferedInputStream raw = new BufferedInputStream(archive, 1 << 16);
            Compression compression = Compression.detect(raw);
            ArchiveSummary s = inspect(Compression.decompress(raw), compression, archiveBytes, limits);
            return new ArchiveSummary(s.compression() + ", " + wrapping, s.archiveBytes(), s.contentBytes(),
                    s.criuImageBytes(), s.memoryPageBytes(), s.rootfsDiffBytes(), s.volumeBytes(), s.config(),
                    s.statistics(), s.processTree(), s.criuImageVersion());
        } catch (IOException e) {
            throw new InvalidArchiveException("cannot read the archive: " + e.getMessage(), e);
        }
    }

    static ArchiveSummary inspect(InputStream tarStream, Compression compression, long archiveBytes,
                                  ArchiveLimits limits) throws IOException {
        TarEntries entries = new TarEntries(tarStream, limits.maxMetadataBytes());
        TarArchiveInputStream tar = entries.content();
        long content = 0;
        long criuBytes = 0;
        long pages = 0;
        long rootfs = 0;
        Map<String, Long> volumes = new LinkedHashMap<>();
        CheckpointedContainer config = null;
        DumpStatistics stats = null;
        byte[] pstree = null;
        long imageVersion = -1;
        Map<Long, String> commands = new HashMap<>();
        TarArchiveEntry e;
        while ((e = entries.next()) != null) {
            String name = EntryNames.normalize(e.getName());
            long size = e.getSize();
            content += size;
            Matcher core = CORE.matcher(name);
            Matcher volume = VOLUME.matcher(name);
            if (name.equals(ArchiveLayout.CONFIG_DUMP)) {
                config = CheckpointedContainer.read(new ByteArrayInputStream(small(tar, e, limits)));
            } else if (name.equals(ArchiveLayout.STATS_DUMP)) {
                stats = decode(name, small(tar, e, limits), image -> CheckpointImages.dumpStatistics(image.first()));
            } else if (name.equals(ArchiveLayout.ROOTFS_DIFF)) {
                rootfs = size;
            } else if (volume.matches()) {
                volumes.put(volume.group(1), size);
            } else if (name.startsWith(ArchiveLayout.CHECKPOINT_DIR + "/")) {
                criuBytes += size;
                if (name.startsWith("checkpoint/pages-")) {
                    pages += size;
                } else if (name.equals("checkpoint/pstree.img")) {
                    pstree = small(tar, e, limits);
                } else if (name.equals("checkpoint/inventory.img")) {
                    imageVersion = decode(name, small(tar, e, limits), image -> image.first().uint(1, -1));
                } else if (core.matches()) {
                    commands.put(pid(name, core.group(1)), decode(name, small(tar, e, limits), CheckpointImages::command));
                }
            }
        }
        tar.transferTo(OutputStream.nullOutputStream());
        if (config == null) {
            throw new InvalidArchiveException("not a checkpoint archive: config.dump is missing");
        }
        List<ProcessTreeEntry> tree = pstree == null ? List.of() : decode("checkpoint/pstree.img", pstree,
                image -> CheckpointImages.processTree(image, pid -> commands.getOrDefault(pid, "?")));
        return new ArchiveSummary(compression.displayName(), archiveBytes, content, criuBytes, pages, rootfs, volumes,
                config, stats, tree, imageVersion);
    }

    private interface Decoding<T> {
        T from(CriuImageFile image) throws IOException;
    }

    /** Decodes a CRIU image of the archive; a broken one names its entry instead of failing somewhere later. */
    private static <T> T decode(String name, byte[] content, Decoding<T> decoding) {
        try {
            return decoding.from(CriuImageFile.read(new ByteArrayInputStream(content)));
        } catch (IOException | UncheckedIOException | InvalidArchiveException e) {
            throw new InvalidArchiveException(name + " is not a valid CRIU image: " + e.getMessage(), e);
        }
    }

    private static long pid(String name, String digits) {
        if (digits.length() > 10) {
            throw new InvalidArchiveException(name + " does not name a process id");
        }
        return Long.parseLong(digits);
    }

    private static byte[] small(TarArchiveInputStream tar, TarArchiveEntry e, ArchiveLimits limits) throws IOException {
        if (e.getSize() > limits.maxMetadataBytes()) {
            throw new InvalidArchiveException(e.getName() + " is larger than " + limits.maxMetadataBytes() + " bytes");
        }
        return tar.readNBytes((int) e.getSize());
    }
}
