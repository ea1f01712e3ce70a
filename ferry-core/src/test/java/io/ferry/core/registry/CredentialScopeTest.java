package io.ferry.core.registry;

import io.ferry.core.engine.EngineSettings;
import io.ferry.core.image.RegistryClients;
import io.ferry.core.testing.FakeRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The host's registry credential goes to the registry it is configured for and nowhere else: not to
 * another registry pulled from, not to a token realm on another host, not along a redirect.
 * {@code evil} is the attacker's server; it records every Authorization header it receives.
 */
class CredentialScopeTest {
    private static final String BLOB = "sha256:" + "a".repeat(64);
    private FakeRegistry good;
    private FakeRegistry evil;
    private RegistryClients clients;

    @BeforeEach
    void startRegistries() {
        good = FakeRegistry.start();
        evil = FakeRegistry.start();
        clients = EngineSettings.defaults().withRegistryAuth(good.address() + "=ferry:secret").registryClients();
    }

    @AfterEach
    void stopRegistries() {
        good.close();
        evil.close();
    }

    @Test
    void anUnconfiguredRegistryGetsNoCredentials() {
        evil.challenging(evil.url("/token")).on("/token", 200, Map.of(), "{\"token\":\"evil-token\"}");

        assertThatThrownBy(() -> clients.client(evil.address()).getManifest("library/busybox", "1"))
                .isInstanceOf(RegistryException.class);

        assertThat(evil.requests()).as("the pull did reach it").isNotEmpty();
        assertThat(evil.authorizations()).as("headers evil received").noneMatch(a -> a.startsWith("Basic"));
        assertThat(good.requests()).isEmpty();
    }

    @Test
    void aTokenRealmOnAnotherHostGetsNoCredentials() {
        good.challenging(evil.url("/token"));
        evil.on("/token", 200, Map.of(), "{\"token\":\"evil-token\"}");

        assertThatThrownBy(() -> clients.client(good.address()).getManifest("library/busybox", "1"))
                .isInstanceOf(RegistryException.class);

        assertThat(evil.requests()).as("the token was asked for anonymously").isNotEmpty();
        assertThat(evil.authorizations()).as("headers evil received").isEmpty();
    }

    @Test
    void aRedirectToAnotherHostCarriesNoAuthorization() throws IOException {
        good.challenging(good.url("/token")).on("/token", 200, Map.of(), "{\"token\":\"good-token\"}")
                .on("/v2/library/busybox/blobs/" + BLOB, 307, Map.of("Location", evil.url("/blob")), "");
        evil.on("/blob", 200, Map.of(), "layer");

        try (InputStream in = clients.client(good.address()).openBlob("library/busybox", BLOB, 0)) {
            assertThat(new String(in.readAllBytes())).isEqualTo("layer");
        }

        assertThat(evil.requests()).as("the redirect was followed").hasSize(1);
        assertThat(evil.authorizations()).as("headers evil received").isEmpty();
        assertThat(good.authorizations()).as("the configured registry's own realm gets the credential")
                .contains(new Credentials("ferry", "secret").basicHeader());
    }

    @Test
    void aRealmOnAnotherConfiguredHostGetsOnlyItsOwnCredentials() {
        try (FakeRegistry auth = FakeRegistry.start()) {
            good.challenging(auth.url("/token"));
            auth.on("/token", 200, Map.of(), "{\"token\":\"t\"}");
            RegistryClients both = EngineSettings.defaults().withRegistryAuth(good.address() + "=ferry:secret")
                    .withRegistryAuth(auth.address() + "=tokens:other").registryClients();

            assertThatThrownBy(() -> both.client(good.address()).getManifest("library/busybox", "1"))
                    .isInstanceOf(RegistryException.class);

            assertThat(auth.authorizations()).isNotEmpty()
                    .containsOnly(new Credentials("tokens", "other").basicHeader());
        }
    }

    @Test
    void aRegistryWithoutCredentialsCannotRelayAConfiguredRegistrysToken() {
        // evil names good's token endpoint as its realm: a token minted with good's credential would
        // come back to evil as its Bearer, good for good's repositories of the same name
        good.on("/token", 200, Map.of(), "{\"token\":\"good-token\"}");
        evil.challenging(good.url("/token"));

        assertThatThrownBy(() -> clients.client(evil.address()).getManifest("private/app", "1"))
                .isInstanceOf(RegistryException.class);

        assertThat(good.requests()).as("the token was asked for").isNotEmpty();
        // anonymous: whatever token good grants then is one anybody gets (this fake grants one to anybody)
        assertThat(good.authorizations()).as("good's credential, used for evil").isEmpty();
    }

    @Test
    void aRedirectWithinTheRegistryKeepsItsToken() throws IOException {
        good.challenging(good.url("/token")).on("/token", 200, Map.of(), "{\"token\":\"good-token\"}")
                .on("/v2/library/busybox/blobs/" + BLOB, 302, Map.of("Location", "/storage/blob"), "")
                .on("/storage/blob", 200, Map.of(), "layer");

        try (InputStream in = clients.client(good.address()).openBlob("library/busybox", BLOB, 0)) {
            assertThat(new String(in.readAllBytes())).isEqualTo("layer");
        }

        assertThat(good.requests()).filteredOn(r -> r.path().equals("/storage/blob"))
                .extracting(FakeRegistry.Request::authorization).containsExactly("Bearer good-token");
    }
}
