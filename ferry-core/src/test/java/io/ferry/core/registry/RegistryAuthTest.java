package io.ferry.core.registry;

import io.ferry.core.engine.EngineSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Credentials are configured per registry host, from a containers-auth.json file or HOST=USER:PASSWORD. */
class RegistryAuthTest {
    @TempDir
    Path dir;

    private Path authFile(String json) throws IOException {
        return Files.writeString(dir.resolve("auth.json"), json);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes());
    }

    @Test
    void aContainersAuthFileScopesEachCredentialToItsHost() throws IOException {
        RegistryAuth auth = RegistryAuth.readFile(authFile("{\"auths\": {\"Registry.Example.com\": {\"auth\": \""
                + b64("alice:pa:ss") + "\"}, \"localhost:5000\": {\"auth\": \"" + b64("ferry:secret") + "\"}}}"));

        assertThat(auth.credentialsFor("registry.example.com")).isEqualTo(new Credentials("alice", "pa:ss"));
        assertThat(auth.credentialsFor("localhost:5000")).isEqualTo(new Credentials("ferry", "secret"));
        assertThat(auth.credentialsFor("localhost")).isNull();
        assertThat(auth.credentialsFor("localhost:5001")).isNull();
        assertThat(auth.toString()).doesNotContain("secret", "pa:ss");
    }

    @Test
    void aCredentialWithoutAHostIsRefused() {
        assertThatThrownBy(() -> EngineSettings.defaults().withRegistryAuth("ferry:secret"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the registry credential must be HOST[:PORT]=USER:PASSWORD: a registry credential names"
                        + " the registry it is for (e.g. localhost:5000=ferry:secret)");
        assertThatThrownBy(() -> EngineSettings.fromEnvironment(Map.of("FERRY_REGISTRY_AUTH", "ferry:secret")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("FERRY_REGISTRY_AUTH must be");
    }

    @Test
    void aHostEqualsCredentialNamesOneRegistryAndAllowsIt() {
        EngineSettings s = EngineSettings.fromEnvironment(Map.of("FERRY_REGISTRY_AUTH", "localhost:5000=ferry:a=b",
                "FERRY_ALLOWED_REGISTRIES", "mirror.example:443, quay.io"));

        assertThat(s.registryAuth().credentialsFor("localhost:5000")).isEqualTo(new Credentials("ferry", "a=b"));
        assertThat(s.allowed().hosts()).containsExactlyInAnyOrder("localhost:5000", "mirror.example:443", "quay.io");
        assertThat(s.toString()).doesNotContain("a=b");
    }

    @Test
    void entriesThatAreNotARegistryHostAreRefusedNamingThem() throws IOException {
        Path scoped = authFile("{\"auths\": {\"quay.io/team\": {\"auth\": \"" + b64("a:b") + "\"}}}");
        assertThatThrownBy(() -> RegistryAuth.readFile(scoped)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("entry \"quay.io/team\"").hasMessageContaining("is not a registry HOST[:PORT]");
        Path noAuth = authFile("{\"auths\": {\"quay.io\": {\"identitytoken\": \"x\"}}}");
        assertThatThrownBy(() -> RegistryAuth.readFile(noAuth)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("entry \"quay.io\" has no \"auth\"");
        Path notBase64 = authFile("{\"auths\": {\"quay.io\": {\"auth\": \"%%%\"}}}");
        assertThatThrownBy(() -> RegistryAuth.readFile(notBase64)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"auth\" is not base64 of USER:PASSWORD");
        assertThatThrownBy(() -> RegistryAuth.parseEntry("https://quay.io=a:b", "--creds"))
                .hasMessage("--creds's registry \"https://quay.io\" is not a registry HOST[:PORT]");
        assertThatThrownBy(() -> EngineSettings.defaults().withAllowedRegistries(List.of("evil.example/x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"evil.example/x\"");
    }

    @Test
    void aRealmMayNotDowngradeTlsOrBeAnythingButHttp() {
        URI tls = URI.create("https://registry.example");
        assertThatThrownBy(() -> RegistryClient.realm("registry.example", tls, "http://registry.example/token"))
                .isInstanceOf(RegistryException.class)
                .hasMessage("registry registry.example names token realm http://registry.example/token over plain"
                        + " HTTP; refusing to downgrade from https");
        assertThatThrownBy(() -> RegistryClient.realm("registry.example", tls, "file:///etc/passwd"))
                .isInstanceOf(RegistryException.class).hasMessageContaining("is not an http(s) URL of a host");
        assertThatThrownBy(() -> RegistryClient.realm("registry.example", tls, "https://u:p@registry.example/t"))
                .isInstanceOf(RegistryException.class).hasMessageContaining("is not an http(s) URL of a host");
        assertThat(RegistryClient.realm("registry.example", tls, "https://auth.example/token"))
                .isEqualTo(URI.create("https://auth.example/token"));
        assertThat(RegistryClient.hostOf(URI.create("https://Registry.Example:443/token"))).isEqualTo("registry.example");
        assertThat(RegistryClient.hostOf(URI.create("http://127.0.0.1:5000/token"))).isEqualTo("127.0.0.1:5000");
    }
}
