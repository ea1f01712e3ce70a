package io.ferry.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ferry.core.criu.CheckpointImages;
import io.ferry.core.criu.CriuImageFile;
import io.ferry.core.criu.ProtoMessage;
import io.ferry.core.criu.RestoreStatistics;
import io.ferry.core.error.FerryException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CRIU images come out of checkpoint archives, so their framing and protobuf messages are hostile:
 * decoding refuses with IOException (callers name the file) or a FerryException only, and never
 * allocates more than a small multiple of the input (a 2 GiB length prefix must not reserve it).
 */
class CriuImageFuzzTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @FuzzTest
    void decoderRefusesWithTypedErrorsOnly(byte[] image) {
        decode(image); // once to load and initialize the classes it needs, which allocates on its own
        long before = THREADS.getCurrentThreadAllocatedBytes();
        decode(image);
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated).as("bytes allocated decoding %d input bytes", image.length)
                .isLessThan((1L << 20) + 64L * image.length);
    }

    private static void decode(byte[] image) {
        try {
            CriuImageFile img = CriuImageFile.read(new ByteArrayInputStream(image));
            for (ProtoMessage e : img.entries()) {
                e.uint(1, -1);
                e.uints(5);
                e.string(6);
                ProtoMessage nested = e.message(3);
                if (nested != null) {
                    nested.string(6);
                    nested.uints(1);
                }
            }
            CheckpointImages.processTree(img, pid -> "?");
            CheckpointImages.command(img);
            CheckpointImages.dumpStatistics(img.first());
            RestoreStatistics.from(img.first());
        } catch (IOException | FerryException refused) {
            // typed: callers turn it into "checkpoint/NAME is unreadable"
        }
    }
}
