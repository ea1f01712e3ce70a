package io.ferry.core.engine;

import io.ferry.core.image.RegistryClients;
import io.ferry.core.registry.AllowedRegistries;
import io.ferry.core.registry.RegistryAuth;
import io.ferry.core.tar.ArchiveLimits;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Engine settings, typed and built once: by the CLI from its flags and FERRY_* variables
 * ({@link #fromEnvironment}), by the host services from their Spring properties. Every external
 * call has a timeout: CRIU can hang (e.g. on a SIGSTOPped task) and a stuck checkpoint must turn
 * into a reported failure with the container still running.
 *
 * @param runcBinary      runc to use; null: the first on PATH
 * @param criuBinary      CRIU to use; null: the first on PATH
 * @param registryAuth    credentials per registry host, each sent only to its host
 * @param allowedRegistries registries restores and image-service pull from besides those in {@code registryAuth}
 * @param tlsVerify       false: plain HTTP to every registry (Podman's --tls-verify=false)
 * @param imageServiceUrl the host's image-service, through which restores pull missing images; null: in-process
 * @param trustStore      the hosts whose checkpoints this host restores (identity lines); null: {@code <root>/trusted-hosts}
 * @param requireSigned   true: a file import without a valid detached signature is refused (migrations always require one)
 * @param hostNetworkNamespace the network namespace where container networks' bridges and rules live; null: the process's own
 */
public record EngineSettings(
        Duration startTimeout,
        Duration checkpointTimeout,
        Duration restoreTimeout,
        ArchiveLimits archiveLimits,
        Path runcBinary,
        Path criuBinary,
        RegistryAuth registryAuth,
        List<String> allowedRegistries,
        boolean tlsVerify,
        URI imageServiceUrl,
        Path trustStore,
        boolean requireSigned,
        Path hostNetworkNamespace) {

    public EngineSettings {
        registryAuth = registryAuth == null ? RegistryAuth.none() : registryAuth;
        allowedRegistries = allowedRegistries == null ? List.of() : List.copyOf(allowedRegistries);
    }

    public EngineSettings(Duration startTimeout, Duration checkpointTimeout, Duration restoreTimeout,
                          ArchiveLimits archiveLimits, Path runcBinary, Path criuBinary, RegistryAuth registryAuth,
                          List<String> allowedRegistries, boolean tlsVerify, URI imageServiceUrl, Path trustStore,
                          boolean requireSigned) {
        this(startTimeout, checkpointTimeout, restoreTimeout, archiveLimits, runcBinary, criuBinary, registryAuth,
                allowedRegistries, tlsVerify, imageServiceUrl, trustStore, requireSigned, null);
    }

    public EngineSettings(Duration startTimeout, Duration checkpointTimeout, Duration restoreTimeout,
                          ArchiveLimits archiveLimits, Path runcBinary, Path criuBinary, RegistryAuth registryAuth,
                          List<String> allowedRegistries, boolean tlsVerify, URI imageServiceUrl) {
        this(startTimeout, checkpointTimeout, restoreTimeout, archiveLimits, runcBinary, criuBinary, registryAuth,
                allowedRegistries, tlsVerify, imageServiceUrl, null, false);
    }

    public static EngineSettings defaults() {
        return new EngineSettings(Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofMinutes(5),
                ArchiveLimits.defaults(), null, null, RegistryAuth.none(), List.of(), true, null);
    }

    /**
     * Defaults overridden by FERRY_START_TIMEOUT, FERRY_CHECKPOINT_TIMEOUT, FERRY_RESTORE_TIMEOUT (seconds),
     * FERRY_MAX_ARCHIVE_BYTES, FERRY_RUNC, FERRY_CRIU, FERRY_REGISTRY_AUTH (HOST[:PORT]=USER:PASSWORD),
     * FERRY_REGISTRY_AUTH_FILE (containers-auth.json), FERRY_ALLOWED_REGISTRIES (comma-separated
     * HOST[:PORT]), FERRY_TLS_VERIFY, FERRY_IMAGE_SERVICE_URL, FERRY_TRUST_STORE, FERRY_REQUIRE_SIGNED and FERRY_HOST_NETNS (a network namespace path): the CLI's configuration, read in this one place.
     */
    public static EngineSettings fromEnvironment(Map<String, String> env) {
        EngineSettings d = defaults();
        return new EngineSettings(
                seconds(env, "FERRY_START_TIMEOUT", d.startTimeout),
                seconds(env, "FERRY_CHECKPOINT_TIMEOUT", d.checkpointTimeout),
                seconds(env, "FERRY_RESTORE_TIMEOUT", d.restoreTimeout),
                env.containsKey("FERRY_MAX_ARCHIVE_BYTES")
                        ? d.archiveLimits.withMaxTotalBytes(Long.parseLong(env.get("FERRY_MAX_ARCHIVE_BYTES")))
                        : d.archiveLimits,
                path(env.get("FERRY_RUNC")),
                path(env.get("FERRY_CRIU")),
                RegistryAuth.readFile(path(env.get("FERRY_REGISTRY_AUTH_FILE")))
                        .plus(RegistryAuth.parseEntry(env.get("FERRY_REGISTRY_AUTH"), "FERRY_REGISTRY_AUTH")),
                hosts(blank(env.get("FERRY_ALLOWED_REGISTRIES")) ? List.of()
                        : Arrays.asList(env.get("FERRY_ALLOWED_REGISTRIES").split(",")), "FERRY_ALLOWED_REGISTRIES"),
                !"false".equalsIgnoreCase(env.getOrDefault("FERRY_TLS_VERIFY", "true")),
                blank(env.get("FERRY_IMAGE_SERVICE_URL")) ? null : URI.create(env.get("FERRY_IMAGE_SERVICE_URL")),
                path(env.get("FERRY_TRUST_STORE")),
                "true".equalsIgnoreCase(env.getOrDefault("FERRY_REQUIRE_SIGNED", "false")),
                path(env.get("FERRY_HOST_NETNS")));
    }

    public EngineSettings withCheckpointTimeout(Duration timeout) {
        return new EngineSettings(startTimeout, timeout, restoreTimeout, archiveLimits, runcBinary, criuBinary,
                registryAuth, allowedRegistries, tlsVerify, imageServiceUrl, trustStore, requireSigned, hostNetworkNamespace);
    }

    public EngineSettings withRestoreTimeout(Duration timeout) {
        return new EngineSettings(startTimeout, checkpointTimeout, timeout, archiveLimits, runcBinary, criuBinary,
                registryAuth, allowedRegistries, tlsVerify, imageServiceUrl, trustStore, requireSigned, hostNetworkNamespace);
    }

    public EngineSettings withArchiveLimits(ArchiveLimits limits) {
        return new EngineSettings(startTimeout, checkpointTimeout, restoreTimeout, limits, runcBinary, criuBinary,
                registryAuth, allowedRegistries, tlsVerify, imageServiceUrl, trustStore, requireSigned, hostNetworkNamespace);
    }

    /** Adds a credential {@code HOST[:PORT]=USER:PASSWORD} (as --creds; null: keep these settings' own). */
    public EngineSettings withRegistryAuth(String hostEqualsCredentials) {
        return withRegistryAuth(hostEqualsCredentials, "the registry credential");
    }

    /** As {@link #withRegistryAuth(String)}; {@code setting} names where it came from in a refusal. */
    public EngineSettings withRegistryAuth(String hostEqualsCredentials, String setting) {
        return withRegistryAuth(RegistryAuth.parseEntry(hostEqualsCredentials, setting));
    }

    /** Adds the credentials of a containers-auth.json file (null: none). */
    public EngineSettings withRegistryAuthFile(Path authFile) {
        return withRegistryAuth(RegistryAuth.readFile(authFile));
    }

    /** Adds these credentials (they win for a host both name). */
    public EngineSettings withRegistryAuth(RegistryAuth auth) {
        return new EngineSettings(startTimeout, checkpointTimeout, restoreTimeout, archiveLimits,
                runcBinary, criuBinary, registryAuth.plus(auth), allowedRegistries, tlsVerify, imageServiceUrl, trustStore,
                requireSigned, hostNetworkNamespace);
    }

    /** Also pulls for restores and image-service from these registries (HOST[:PORT] each). */
    public EngineSettings withAllowedRegistries(Collection<String> registries) {
        return new EngineSettings(startTimeout, checkpointTimeout, restoreTimeout, archiveLimits, runcBinary,
                criuBinary, registryAuth, hosts(Stream.concat(allowedRegistries.stream(), registries.stream()).toList(),
                "allowed registry"), tlsVerify, imageServiceUrl, trustStore, requireSigned, hostNetworkNamespace);
    }

    public EngineSettings withTlsVerify(boolean verify) {
        return new EngineSettings(startTimeout, checkpointTimeout, restoreTimeout, archiveLimits, runcBinary,
                criuBinary, registryAuth, allowedRegistries, verify, imageServiceUrl, trustStore, requireSigned, hostNetworkNamespace);
    }

    public EngineSettings withImageService(URI url) {
        return new EngineSettings(startTimeout, checkpointTimeout, restoreTimeout, archiveLimits, runcBinary,
                criuBinary, registryAuth, allowedRegistries, tlsVerify, url, trustStore, requireSigned, hostNetworkNamespace);
    }

    /** Checkpoints are checked against this trust store (null: the host's {@code <root>/trusted-hosts}). */
    public EngineSettings withTrustStore(Path file) {
        return new EngineSettings(startTimeout, checkpointTimeout, restoreTimeout, archiveLimits, runcBinary,
                criuBinary, registryAuth, allowedRegistries, tlsVerify, imageServiceUrl, file, requireSigned, hostNetworkNamespace);
    }

    /** true: file imports must carry a valid detached signature ({@code FILE.sig}), as migrations always do. */
    public EngineSettings withRequireSigned(boolean require) {
        return new EngineSettings(startTimeout, checkpointTimeout, restoreTimeout, archiveLimits, runcBinary,
                criuBinary, registryAuth, allowedRegistries, tlsVerify, imageServiceUrl, trustStore, require, hostNetworkNamespace);
    }

    /**
     * Container networks' bridges, VXLAN devices and netfilter rules go to this network namespace
     * ({@code nsenter --net=PATH}); null: the process's own. Tests give each "host" a namespace of its own.
     */
    public EngineSettings withHostNetworkNamespace(Path netns) {
        return new EngineSettings(startTimeout, checkpointTimeout, restoreTimeout, archiveLimits, runcBinary,
                criuBinary, registryAuth, allowedRegistries, tlsVerify, imageServiceUrl, trustStore, requireSigned, netns);
    }

    /** Registry clients with these credentials and TLS setting (one per engine: tokens are cached per client). */
    public RegistryClients registryClients() {
        return new RegistryClients(registryAuth, tlsVerify);
    }

    /** What restores and image-service pull from: the registries with credentials and those allowed explicitly. */
    public AllowedRegistries allowed() {
        TreeSet<String> hosts = new TreeSet<>(registryAuth.hosts());
        hosts.addAll(allowedRegistries);
        return new AllowedRegistries(hosts);
    }

    @Override
    public String toString() { // never print the registry password
        return "EngineSettings[startTimeout=" + startTimeout + ", checkpointTimeout=" + checkpointTimeout
                + ", restoreTimeout=" + restoreTimeout + ", archiveLimits=" + archiveLimits + ", runcBinary="
                + runcBinary + ", criuBinary=" + criuBinary + ", registryAuth=" + registryAuth
                + ", allowedRegistries=" + allowedRegistries + ", tlsVerify=" + tlsVerify + ", imageServiceUrl=" + imageServiceUrl
                + ", trustStore=" + trustStore + ", requireSigned=" + requireSigned
                + ", hostNetworkNamespace=" + hostNetworkNamespace + "]";
    }

    private static Duration seconds(Map<String, String> env, String key, Duration fallback) {
        String v = env.get(key);
        return v == null ? fallback : Duration.ofSeconds(Long.parseLong(v));
    }

    private static List<String> hosts(Collection<String> hosts, String setting) {
        return hosts.stream().filter(h -> !h.isBlank()).map(h -> RegistryAuth.host(h, setting)).distinct().toList();
    }

    private static Path path(String v) {
        return blank(v) ? null : Path.of(v);
    }

    private static boolean blank(String v) {
        return v == null || v.isBlank();
    }
}
