package io.ferry.core.network;

/**
 * What the host keeps per attached container ({@code networks/attachments/<id>.json}): the attachment plus
 * what detach needs even when the network or the container is gone (bridge, host-side veth, namespace).
 */
public record AttachmentRecord(String containerId, String hostname, String netns, String bridge, String hostVeth,
                               NetworkAttachment attachment, boolean published) {

    AttachmentRecord withPublished(boolean value) {
        return new AttachmentRecord(containerId, hostname, netns, bridge, hostVeth, attachment, value);
    }

    /** How messages name the container: its hostname and short id. */
    String shown() {
        String shortId = containerId.substring(0, Math.min(12, containerId.length()));
        return hostname == null || hostname.isBlank() || hostname.equals(shortId) ? shortId : hostname + " (" + shortId + ")";
    }
}
