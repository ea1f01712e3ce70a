package io.ferry.core.archive;

import io.ferry.core.container.NetworkRequests;
import io.ferry.core.error.InvalidArchiveException;
import io.ferry.core.json.Json;
import io.ferry.core.network.NetworkAttachment;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * network.status of a container on a network, in Podman's format (a status block per network name):
 * {@code {"NET":{"interfaces":{"eth0":{"subnets":[{"ipnet":"10.89.0.5/24","gateway":"10.89.0.1"}],
 * "mac_address":"02:.."}}}}}. A restore reads the address and MAC it keeps from it; the file is untrusted.
 */
public final class NetworkStatus {
    private NetworkStatus() {
    }

    /** What a restore keeps: the archived address (with prefix and gateway) and MAC on {@code network}. */
    public record Archived(String network, String ip, int prefixLength, String gateway, String mac) {
    }

    public static String of(NetworkAttachment a) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode iface = root.putObject(a.network()).putObject("interfaces").putObject(a.interfaceName());
        ObjectNode subnet = iface.putArray("subnets").addObject();
        subnet.put("ipnet", a.ip() + "/" + a.prefixLength());
        subnet.put("gateway", a.gateway());
        iface.put("mac_address", a.mac());
        return Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
    }

    /**
     * The archived eth0 of {@code network}; empty when the file is missing or records no such network (an
     * archive of a loopback-only container, or from before networks): the restore then gets fresh ones.
     */
    public static Optional<Archived> read(Path file, String network) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        JsonNode root;
        try {
            root = Json.readTree(file);
        } catch (JacksonException | IllegalArgumentException e) {
            throw new InvalidArchiveException("network.status is not a JSON object", e);
        }
        JsonNode iface = root.path(network).path("interfaces").path("eth0");
        if (iface.isMissingNode()) {
            return Optional.empty();
        }
        String ipnet = iface.path("subnets").path(0).path("ipnet").asString("");
        String gateway = iface.path("subnets").path(0).path("gateway").asString("");
        String mac = iface.path("mac_address").asString("");
        String field = "network.status: \"" + network + ".interfaces.eth0";
        try {
            int slash = ipnet.indexOf('/');
            if (slash < 0) {
                throw new IllegalArgumentException("invalid " + field + ".subnets[0].ipnet\" " + ipnet);
            }
            String ip = NetworkRequests.unicastIpv4(field + ".subnets[0].ipnet\"", ipnet.substring(0, slash));
            int prefix = prefix(field, ipnet.substring(slash + 1));
            if (!gateway.isEmpty()) {
                NetworkRequests.unicastIpv4(field + ".subnets[0].gateway\"", gateway);
            }
            NetworkRequests.unicastMac(field + ".mac_address\"", mac);
            return Optional.of(new Archived(network, ip, prefix, gateway.isEmpty() ? null : gateway, mac));
        } catch (IllegalArgumentException e) {
            throw new InvalidArchiveException(e.getMessage(), e);
        }
    }

    private static int prefix(String field, String value) {
        if (!value.matches("[0-9]{1,2}") || Integer.parseInt(value) < 1 || Integer.parseInt(value) > 32) {
            throw new IllegalArgumentException("invalid " + field + ".subnets[0].ipnet\" prefix length "
                    + io.ferry.protocol.Identifiers.quote(value) + ": 1 to 32 is required");
        }
        return Integer.parseInt(value);
    }
}
