package io.ferry.core.trust;

import io.ferry.core.error.FerryException;
import io.ferry.core.host.Host;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrustStoreTest {
    @TempDir
    Path dir;

    @Test
    void keysAreMadeOnceAndReadBackTheSame() throws Exception {
        Host host = new Host("a", dir.resolve("a"));
        HostKeys first = HostKeys.loadOrCreate(host);
        HostKeys again = HostKeys.loadOrCreate(host);
        assertThat(again.identity().format()).isEqualTo(first.identity().format());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(host.keys().resolve(HostKeys.SIGNING))))
                .isEqualTo("rw-------");
        byte[] msg = "digest".getBytes(StandardCharsets.UTF_8);
        assertThat(TrustStore.verifies(again.identity().signingKey(), msg, first.sign(msg))).isTrue();
    }

    @Test
    void aKeyReadableByOthersIsRefused() throws Exception {
        Host host = new Host("a", dir.resolve("a"));
        HostKeys.loadOrCreate(host);
        Files.setPosixFilePermissions(host.keys().resolve(HostKeys.SIGNING), PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> HostKeys.loadOrCreate(host)).isInstanceOf(FerryException.class)
                .hasMessageContaining("readable or writable by other users");
    }

    @Test
    void onlyTheListedKeysSignForTheirHost() throws Exception {
        HostKeys a = HostKeys.loadOrCreate(new Host("a", dir.resolve("a")));
        HostKeys b = HostKeys.loadOrCreate(new Host("b", dir.resolve("b")));
        HostKeys mallory = HostKeys.loadOrCreate(new Host("a", dir.resolve("m"))); // claims to be host a
        Path file = dir.resolve("trusted-hosts");
        Files.writeString(file, "# the cluster\n" + a.identity().format() + "\n\n" + b.identity().format() + "\n");
        TrustStore store = new TrustStore(file);
        byte[] msg = "x".getBytes(StandardCharsets.UTF_8);
        assertThat(store.signer(msg, a.sign(msg))).map(HostIdentity::hostId).contains("a");
        assertThat(store.signer(msg, mallory.sign(msg))).isEmpty();
        assertThat(store.of("b")).hasSize(1);

        // revocation: the line goes, the host is no longer trusted, no restart needed
        Files.writeString(file, b.identity().format() + "\n");
        assertThat(store.signer(msg, a.sign(msg))).isEmpty();
    }

    @Test
    void malformedLinesAndWritableFilesAreRefusedByName() throws Exception {
        Path file = dir.resolve("trusted-hosts");
        Files.writeString(file, "ferry-host a ed25519:AAAA x25519:AAAA\n");
        assertThatThrownBy(() -> new TrustStore(file).identities()).hasMessageContaining("line 1")
                .hasMessageContaining("not a valid Ed25519 public key");
        HostKeys a = HostKeys.loadOrCreate(new Host("a", dir.resolve("a")));
        Files.writeString(file, a.identity().format().replace("ferry-host a", "ferry-host ../x") + "\n");
        assertThatThrownBy(() -> new TrustStore(file).identities()).hasMessageContaining("invalid host id");
        Files.writeString(file, a.identity().format() + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertThatThrownBy(() -> new TrustStore(file).identities()).hasMessageContaining("writable by no one else");
        assertThatThrownBy(() -> new TrustStore(dir.resolve("none")).identities()).hasMessageContaining("does not exist");
    }

    @Test
    void identityLinesRoundTrip() throws Exception {
        HostIdentity id = HostKeys.loadOrCreate(new Host("b", dir.resolve("b"))).identity();
        HostIdentity back = HostIdentity.parse(id.format(), "test");
        assertThat(back).isEqualTo(id);
        assertThat(back.fingerprint()).startsWith("SHA256:");
    }
}
