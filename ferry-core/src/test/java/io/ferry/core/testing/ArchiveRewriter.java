package io.ferry.core.testing;

import io.ferry.core.tar.Compression;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Builds tampered copies of a checkpoint archive for the bad-input and dependency-check tests. */
public final class ArchiveRewriter {
    private final Map<String, UnaryOperator<byte[]>> changes = new LinkedHashMap<>();
    private final List<TarArchiveEntry> extra = new ArrayList<>();
    private final java.util.Set<String> removed = new java.util.HashSet<>();
    private final List<byte[]> extraContent = new ArrayList<>();

    /** Replaces the content of an entry. */
    public ArchiveRewriter change(String name, UnaryOperator<byte[]> change) {
        changes.put(name, change);
        return this;
    }

    /** Leaves an entry out. */
    public ArchiveRewriter remove(String name) {
        removed.add(name);
        return this;
    }

    /** Appends an entry as given (a hostile name, a link, a device node...). */
    public ArchiveRewriter add(TarArchiveEntry entry, byte[] content) {
        extra.add(entry);
        extraContent.add(content);
        return this;
    }

    public Path writeTo(Path source, Path target) {
        try (InputStream in = Compression.decompress(Files.newInputStream(source));
             OutputStream out = Compression.ZSTD.compress(Files.newOutputStream(target));
             TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            TarArchiveInputStream src = new TarArchiveInputStream(in);
            TarArchiveEntry e;
            while ((e = src.getNextEntry()) != null) {
                byte[] content = e.isFile() && !e.isSymbolicLink() && !e.isLink() ? src.readAllBytes() : new byte[0];
                if (removed.contains(e.getName())) {
                    continue;
                }
                UnaryOperator<byte[]> change = changes.get(e.getName());
                long originalSize = e.getSize();
                if (change != null) {
                    content = change.apply(content);
                    e.setSize(content.length);
                }
                tar.putArchiveEntry(e);
                tar.write(content);
                tar.closeArchiveEntry();
                e.setSize(originalSize); // the input stream skips to the next header by this entry's size

            }
            for (int i = 0; i < extra.size(); i++) {
                tar.putArchiveEntry(extra.get(i));
                tar.write(extraContent.get(i));
                tar.closeArchiveEntry();
            }
            tar.finish();
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
