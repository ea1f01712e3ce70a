package io.ferry.core.checkpoint;

import io.ferry.core.tar.Compression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Compression only where it pays: random pages go plain, compressible ones with zstd. */
class AdaptiveCompressionTest {
    @TempDir
    Path images;

    @Test
    void theDecisionIsTheSampledRatio() {
        assertThat(AdaptiveCompression.decide(1000, 1010)).isEqualTo(Compression.NONE);
        assertThat(AdaptiveCompression.decide(1000, 900)).isEqualTo(Compression.NONE);
        assertThat(AdaptiveCompression.decide(1000, 750)).as("base64 of random bytes: not worth the CPU")
                .isEqualTo(Compression.NONE);
        assertThat(AdaptiveCompression.decide(1000, 500)).isEqualTo(Compression.ZSTD);
        assertThat(AdaptiveCompression.decide(1000, 10)).isEqualTo(Compression.ZSTD);
        assertThat(AdaptiveCompression.decide(0, 0)).isEqualTo(Compression.ZSTD); // nothing to sample: small anyway
    }

    @Test
    void randomMemoryIsSentPlain() throws Exception {
        byte[] pages = new byte[8 << 20];
        new Random(1).nextBytes(pages);
        Files.write(images.resolve("pages-1.img"), pages);
        Files.write(images.resolve("core-1.img"), new byte[4096]); // not pages: not sampled

        assertThat(AdaptiveCompression.choose(images)).isEqualTo(Compression.NONE);
    }

    @Test
    void textLikeMemoryIsCompressed() throws Exception {
        Files.writeString(images.resolve("pages-1.img"), "counter 12345 hello world\n".repeat(400_000));
        byte[] random = new byte[1 << 20];
        new Random(2).nextBytes(random);
        Files.write(images.resolve("pages-2.img"), random); // a little random memory does not tip it

        assertThat(AdaptiveCompression.choose(images)).isEqualTo(Compression.ZSTD);
    }
}
