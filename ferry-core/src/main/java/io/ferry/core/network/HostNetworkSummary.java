package io.ferry.core.network;

import java.util.List;

/** A network as the host's heartbeat lists it: enough for the gateway to check a migration's target. */
public record HostNetworkSummary(String name, String subnet, String gateway, int vni, List<String> addressesInUse) {
}
