package io.ferry.protocol;

import io.ferry.protocol.MigrationMessage.CancelRestoreCommand;
import io.ferry.protocol.MigrationMessage.CheckpointCommand;
import io.ferry.protocol.MigrationMessage.CheckpointCompleted;
import io.ferry.protocol.MigrationMessage.CheckpointStarted;
import io.ferry.protocol.MigrationMessage.FinalizeCommand;
import io.ferry.protocol.MigrationMessage.MigrateRequested;
import io.ferry.protocol.MigrationMessage.MigrationAccepted;
import io.ferry.protocol.MigrationMessage.RestoreCommand;
import io.ferry.protocol.MigrationMessage.RestoreCompleted;
import io.ferry.protocol.MigrationMessage.RollbackCommand;

import java.util.Map;
import java.util.function.Consumer;

/**
 * The identifiers a message carries, checked when it is decoded: a forged message (a container
 * "../../etc", a name with a newline) is refused before any consumer acts on it. Free text (reasons,
 * stages) is not an identifier and is not checked here.
 */
final class MessageChecks {
    private static final Map<Class<?>, Consumer<MigrationMessage>> CHECKS = Map.of(
            MigrateRequested.class, m -> {
                MigrateRequested r = (MigrateRequested) m;
                Identifiers.nameOrId("container", r.container());
                Identifiers.hostId("sourceHost", r.sourceHost());
                Identifiers.hostId("targetHost", r.targetHost());
                optionalName("options.newName", r.options() == null ? null : r.options().newName());
            },
            MigrationAccepted.class, m -> {
                optionalReference("archive", ((MigrationAccepted) m).archive());
                if (((MigrationAccepted) m).containerId() != null) {
                    Identifiers.containerId("containerId", ((MigrationAccepted) m).containerId());
                }
            },
            CheckpointCommand.class, m -> {
                Identifiers.nameOrId("container", ((CheckpointCommand) m).container());
                Identifiers.reference("archive", ((CheckpointCommand) m).archive());
                optionalHost("targetHost", ((CheckpointCommand) m).targetHost());
                optionalEndpoint("transferEndpoint", ((CheckpointCommand) m).transferEndpoint());
            },
            RestoreCommand.class, m -> {
                Identifiers.reference("archive", ((RestoreCommand) m).archive());
                optionalName("name", ((RestoreCommand) m).name());
                optionalDigest("manifestDigest", ((RestoreCommand) m).manifestDigest());
                optionalHost("sourceHost", ((RestoreCommand) m).sourceHost());
                optionalDigest("archiveDigest", ((RestoreCommand) m).archiveDigest());
                optionalPageServer("pageServer", ((RestoreCommand) m).pageServer());
            },
            FinalizeCommand.class, m -> Identifiers.nameOrId("container", ((FinalizeCommand) m).container()),
            RollbackCommand.class, m -> {
                Identifiers.nameOrId("container", ((RollbackCommand) m).container());
                optionalReference("archive", ((RollbackCommand) m).archive());
            },
            CancelRestoreCommand.class, m -> {
                optionalReference("archive", ((CancelRestoreCommand) m).archive());
                optionalName("name", ((CancelRestoreCommand) m).name());
            },
            CheckpointStarted.class, m -> Identifiers.containerId("containerId", ((CheckpointStarted) m).containerId()),
            CheckpointCompleted.class, m -> {
                optionalReference("archive", ((CheckpointCompleted) m).archive());
                optionalDigest("digest", ((CheckpointCompleted) m).digest());
                optionalDigest("manifestDigest", ((CheckpointCompleted) m).manifestDigest());
                optionalPageServer("pageServer", ((CheckpointCompleted) m).pageServer());
            },
            RestoreCompleted.class, m -> {
                Identifiers.containerId("containerId", ((RestoreCompleted) m).containerId());
                Identifiers.name("name", ((RestoreCompleted) m).name());
            });

    private MessageChecks() {
    }

    /** Throws IllegalArgumentException naming the message type and the field. */
    static void check(MigrationMessage message) {
        try {
            Meta meta = message.meta();
            Identifiers.messageId("meta.id", meta.id());
            Identifiers.migrationId("meta.migrationId", meta.migrationId());
            Identifiers.hostId("meta.hostId", meta.hostId());
            Consumer<MigrationMessage> check = CHECKS.get(message.getClass());
            if (check != null) {
                check.accept(message);
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(message.type() + ": " + e.getMessage(), e);
        }
    }

    static void check(HostHeartbeat beat) {
        Identifiers.hostId("hostId", beat.hostId());
        optionalEndpoint("transferEndpoint", beat.transferEndpoint());
        NetworkIdentifiers.bounded("containers", beat.containers(), NetworkIdentifiers.MAX_CONTAINERS);
        if (beat.containers() != null) {
            for (HostHeartbeat.RunningContainer c : beat.containers()) {
                if (c == null) {
                    throw new IllegalArgumentException("containers[] has a null entry");
                }
                Identifiers.containerId("containers[].id", c.id());
                Identifiers.name("containers[].name", c.name());
                containerNetwork(c);
            }
        }
        networks(beat.networks());
    }

    // ---- issue 12: a heartbeat's network values (the preflight compares them, the dashboard shows them) ----

    private static void containerNetwork(HostHeartbeat.RunningContainer c) {
        if (c.network() != null) {
            NetworkIdentifiers.networkName("containers[].network", c.network());
        }
        if (c.ip() != null) {
            NetworkIdentifiers.ipv4("containers[].ip", c.ip());
        }
        if (c.mac() != null) {
            NetworkIdentifiers.mac("containers[].mac", c.mac());
        }
        for (String port : NetworkIdentifiers.bounded("containers[].ports", c.ports(), NetworkIdentifiers.MAX_PORTS)) {
            NetworkIdentifiers.port("containers[].ports[]", port);
        }
    }

    private static void networks(java.util.List<HostHeartbeat.Network> networks) {
        for (HostHeartbeat.Network n : NetworkIdentifiers.bounded("networks", networks, NetworkIdentifiers.MAX_NETWORKS)) {
            if (n == null) {
                throw new IllegalArgumentException("networks[] has a null entry");
            }
            NetworkIdentifiers.networkName("networks[].name", n.name());
            NetworkIdentifiers.subnet("networks[].subnet", n.subnet());
            if (n.gateway() != null) {
                NetworkIdentifiers.ipv4("networks[].gateway", n.gateway());
            }
            NetworkIdentifiers.vni("networks[].vni", n.vni());
            for (String address : NetworkIdentifiers.bounded("networks[].addressesInUse", n.addressesInUse(),
                    NetworkIdentifiers.MAX_ADDRESSES)) {
                NetworkIdentifiers.ipv4("networks[].addressesInUse[]", address);
            }
        }
    }

    private static void optionalName(String field, String value) {
        if (value != null) {
            Identifiers.name(field, value);
        }
    }

    private static void optionalDigest(String field, String value) {
        if (value != null) {
            Identifiers.digest(field, value);
        }
    }

    private static void optionalHost(String field, String value) {
        if (value != null) {
            Identifiers.hostId(field, value);
        }
    }

    /** Issue 11: a direct-transfer URL is plain http(s)://HOST[:PORT]/PATH, nothing a client would read as more. */
    private static void optionalEndpoint(String field, String value) {
        if (value == null) {
            return;
        }
        if (value.length() > 512 || !value.matches("https?://[A-Za-z0-9.\\-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~\\-]+)*/?")
                && !value.matches("https?://\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?(/[A-Za-z0-9._~\\-]+)*/?")) {
            throw new IllegalArgumentException(field + ": not an http(s)://HOST[:PORT]/PATH URL: " + Identifiers.quote(
                    value.length() > 80 ? value.substring(0, 80) : value));
        }
    }

    /** Post-copy: ADDRESS:PORT of a page server (an IPv6 address in brackets), nothing else a restore would dial. */
    private static final java.util.regex.Pattern PAGE_SERVER =
            java.util.regex.Pattern.compile("(\\[[0-9A-Fa-f:.]{2,45}]|[A-Za-z0-9][A-Za-z0-9.-]{0,252}):[0-9]{1,5}");

    private static void optionalPageServer(String field, String value) {
        if (value != null && (!PAGE_SERVER.matcher(value).matches()
                || Integer.parseInt(value.substring(value.lastIndexOf(':') + 1)) > 65535)) {
            throw new IllegalArgumentException(field + " must be ADDRESS:PORT, not " + Identifiers.quote(value));
        }
    }

    private static void optionalReference(String field, String value) {
        if (value != null) {
            Identifiers.reference(field, value);
        }
    }
}
