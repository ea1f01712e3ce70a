package io.ferry.core.transfer;

import io.ferry.core.host.Host;
import io.ferry.core.trust.HostKeys;
import io.ferry.core.trust.TrustStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The transfer statement's bytes and the strict parsing of its header. */
class TransferStatementTest {
    private static final String NONCE = "0123456789abcdef0123456789abcdef";
    private static final Instant AT = Instant.parse("2030-01-01T10:00:00Z");
    @TempDir
    Path dir;

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theStatementIsFixedVersionedLines() {
        assertThat(new String(new TransferStatement("m1", "a", "b", AT, NONCE).bytes(), StandardCharsets.UTF_8))
                .isEqualTo("ferry-transfer/v1\nmigration m1\nsource a\ntarget b\nissued 2030-01-01T10:00:00Z\nnonce "
                        + NONCE + "\n");
    }

    @Test
    void aPostCopyStatementNamesItsPageServerAndParsesBackStrictly() {
        TransferStatement s = new TransferStatement("m1", "a", "b", "10.0.0.1:40123", AT, NONCE);
        String text = new String(s.bytes(), StandardCharsets.UTF_8);
        assertThat(text).isEqualTo("ferry-transfer/v1\nmigration m1\nsource a\ntarget b\npages 10.0.0.1:40123\nissued "
                + "2030-01-01T10:00:00Z\nnonce " + NONCE + "\n");
        assertThat(TransferStatement.parse(text)).isEqualTo(s);
        // a page server is fed into the restored process's memory: nothing but ADDRESS:PORT with a real port
        for (String bad : new String[]{"10.0.0.1:0", "10.0.0.1", "10.0.0.1:99999", "a b:1", "10.0.0.1:1\nx"}) {
            assertThatThrownBy(() -> new TransferStatement("m1", "a", "b", bad, AT, NONCE)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> TransferStatement.parse(text.replace("pages ", "pagez "))).hasMessageContaining("pages");
    }

    @Test
    void aSignedHeaderParsesBackToItsStatementAndVerifies() {
        HostKeys a = HostKeys.loadOrCreate(new Host("a", dir.resolve("a")));
        TransferStatement s = TransferStatement.issue("m1", "a", "b");

        TransferStatement.Signed parsed = TransferStatement.parseHeader(s.header(a));

        assertThat(parsed.statement()).isEqualTo(s);
        assertThat(TrustStore.verifies(a.identity().signingKey(), s.bytes(), parsed.signature())).isTrue();
    }

    @Test
    void malformedHeadersAreRefusedSayingWhy() {
        String good = "ferry-transfer/v1\nmigration m1\nsource a\ntarget b\nissued 2030-01-01T10:00:00Z\nnonce " + NONCE + "\n";
        assertThatThrownBy(() -> TransferStatement.parseHeader(null)).hasMessageContaining("no Ferry-Transfer-Authorization");
        assertThatThrownBy(() -> TransferStatement.parseHeader("abc")).hasMessageContaining("<statement>.<signature>");
        assertThatThrownBy(() -> TransferStatement.parseHeader("a.b.c")).hasMessageContaining("<statement>.<signature>");
        assertThatThrownBy(() -> TransferStatement.parseHeader("!!.AA")).hasMessageContaining("base64url");
        assertThatThrownBy(() -> TransferStatement.parseHeader(b64(good.replace("v1", "v2")) + ".AA"))
                .hasMessageContaining("not a ferry-transfer/v1");
        assertThatThrownBy(() -> TransferStatement.parseHeader(b64(good.replace("source a", "source a\nsource c")) + ".AA"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TransferStatement.parseHeader(b64(good.replace("target b", "target b x")) + ".AA"))
                .hasMessageContaining("target");
        assertThatThrownBy(() -> TransferStatement.parseHeader(b64(good.replace("2030-01-01T10:00:00Z", "yesterday")) + ".AA"))
                .hasMessageContaining("issued");
        assertThatThrownBy(() -> TransferStatement.parseHeader(b64(good.replace(NONCE, "xyz")) + ".AA"))
                .hasMessageContaining("nonce");
        // a second spelling of one instant is not the statement that was signed
        assertThatThrownBy(() -> TransferStatement.parseHeader(b64(good.replace("10:00:00Z", "10:00:00.000Z")) + ".AA"))
                .hasMessageContaining("canonical");
        assertThatThrownBy(() -> TransferStatement.parseHeader("A".repeat(3000) + ".AA")).hasMessageContaining("longer");
        assertThat(TransferStatement.parseHeader(b64(good) + ".AA").statement().migrationId()).isEqualTo("m1");
    }
}
