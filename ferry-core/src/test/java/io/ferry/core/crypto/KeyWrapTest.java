package io.ferry.core.crypto;

import io.ferry.core.error.InvalidArchiveException;
import io.ferry.core.host.Host;
import io.ferry.core.trust.HostKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A checkpoint key wrapped to a host's X25519 key opens only there, only for the same migration. */
class KeyWrapTest {
    @TempDir
    Path dir;

    private HostKeys host(String id) {
        return HostKeys.loadOrCreate(new Host(id, dir.resolve(id)));
    }

    private static ArchiveKey unwrap(String wrapped, HostKeys keys, String context) {
        return KeyWrap.unwrap(wrapped, keys.identity().encryptionKey(), keys.encryptionPrivateKey(), context);
    }

    @Test
    void theRecipientUnwrapsTheKeyForItsContext() {
        HostKeys b = host("b");
        ArchiveKey key = ArchiveKey.generate();
        String context = KeyWrap.migrationContext("m-1", "b");
        String wrapped = KeyWrap.wrap(key, b.identity().encryptionKey(), context);
        assertThat(wrapped).startsWith("ferry-wk1.").hasSizeLessThan(160).doesNotContain("=");
        assertThat(unwrap(wrapped, b, context)).isEqualTo(key);
        assertThat(KeyWrap.wrap(key, b.identity().encryptionKey(), context)).as("fresh ephemeral key each time")
                .isNotEqualTo(wrapped);
    }

    @Test
    void anotherHostsKeyIsRefused() {
        HostKeys b = host("b");
        HostKeys c = host("c");
        String context = KeyWrap.migrationContext("m-1", "b");
        String wrapped = KeyWrap.wrap(ArchiveKey.generate(), b.identity().encryptionKey(), context);
        assertThatThrownBy(() -> unwrap(wrapped, c, context)).isInstanceOf(InvalidArchiveException.class)
                .hasMessageContaining("wrapped to another host's key");
        // c claiming b's key id still cannot open it: the agreement needs b's private key
        assertThatThrownBy(() -> KeyWrap.unwrap(wrapped, b.identity().encryptionKey(), c.encryptionPrivateKey(), context))
                .isInstanceOf(InvalidArchiveException.class).hasMessageContaining("does not unwrap");
    }

    @Test
    void anotherMigrationOrTargetIsRefused() {
        HostKeys b = host("b");
        String wrapped = KeyWrap.wrap(ArchiveKey.generate(), b.identity().encryptionKey(),
                KeyWrap.migrationContext("m-1", "b"));
        assertThatThrownBy(() -> unwrap(wrapped, b, KeyWrap.migrationContext("m-2", "b")))
                .isInstanceOf(InvalidArchiveException.class)
                .hasMessageContaining("does not unwrap for migration=m-2;target=b")
                .hasMessageContaining("wrapped for another migration or host");
        assertThatThrownBy(() -> unwrap(wrapped, b, KeyWrap.exportContext("b")))
                .isInstanceOf(InvalidArchiveException.class).hasMessageContaining("does not unwrap");
    }

    @Test
    void garbageIsRefusedAsMalformed() {
        HostKeys b = host("b");
        String context = KeyWrap.migrationContext("m", "b");
        for (String bad : new String[]{"", "ferry-wk2.AAAA", "ferry-wk1.!!!", "ferry-wk1.AAAA", null}) {
            assertThatThrownBy(() -> unwrap(bad, b, context)).isInstanceOf(InvalidArchiveException.class)
                    .hasMessageContaining("the wrapped checkpoint key is malformed");
        }
        String wrapped = KeyWrap.wrap(ArchiveKey.generate(), b.identity().encryptionKey(), context);
        byte[] raw = Base64.getUrlDecoder().decode(wrapped.substring(KeyWrap.PREFIX.length()));
        raw[raw.length - 1] ^= 1;
        String altered = KeyWrap.PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        assertThatThrownBy(() -> unwrap(altered, b, context)).hasMessageContaining("altered on the way");
        byte[] zeroPoint = Base64.getUrlDecoder().decode(wrapped.substring(KeyWrap.PREFIX.length()));
        java.util.Arrays.fill(zeroPoint, 8, 40, (byte) 0); // an ephemeral key of small order
        String small = KeyWrap.PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(zeroPoint);
        assertThatThrownBy(() -> unwrap(small, b, context)).isInstanceOf(InvalidArchiveException.class);
    }
}
