package io.ferry.core.tar;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CompressionTest {
    private static final byte[] DATA = "ferry ".repeat(10_000).getBytes(StandardCharsets.UTF_8);

    @ParameterizedTest
    @EnumSource(Compression.class)
    void readersDetectWhatWritersWrote(Compression c) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (OutputStream out = c.compress(buf)) {
            out.write(DATA);
        }
        assertThat(Compression.detect(new BufferedInputStream(new ByteArrayInputStream(buf.toByteArray())))).isEqualTo(c);
        try (InputStream in = Compression.decompress(new ByteArrayInputStream(buf.toByteArray()))) {
            assertThat(in.readAllBytes()).isEqualTo(DATA);
        }
        if (c != Compression.NONE) {
            assertThat(buf.size()).isLessThan(DATA.length / 10);
        }
    }

    @Test
    void namesAreParsedAndUnknownOnesExplained() {
        assertThat(Compression.parse("zstd")).isEqualTo(Compression.ZSTD);
        assertThat(Compression.parse("GZIP")).isEqualTo(Compression.GZIP);
        assertThat(Compression.parse("none")).isEqualTo(Compression.NONE);
        assertThatThrownBy(() -> Compression.parse("lz4")).hasMessage("unknown compression \"lz4\": use zstd, gzip or none");
    }
}
