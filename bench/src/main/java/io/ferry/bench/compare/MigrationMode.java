package io.ferry.bench.compare;

/**
 * How F2 migrates: stop-and-copy with the archive streamed straight to the target (DIRECT, the default)
 * or through the registry (REGISTRY), or post-copy (the target runs at once and fetches pages after).
 * The request asks for it; the event log says whether it was done that way (a gateway or host that does
 * not know a mode yet may ignore the field): {@link #notCarriedOut} reads that.
 */
enum MigrationMode {
    DIRECT(Column.F2_DIRECT, "direct", false),
    REGISTRY(Column.F2_REGISTRY, "registry", false),
    /** The transfer is left to the gateway's default: post-copy is the option under test. */
    POST_COPY(Column.F2_POST_COPY, null, true);

    final Column column;
    private final String transfer;
    final boolean postCopy;

    MigrationMode(Column column, String transfer, boolean postCopy) {
        this.column = column;
        this.transfer = transfer;
        this.postCopy = postCopy;
    }

    String requestJson(String container, String sourceHost, String targetHost) {
        StringBuilder json = new StringBuilder("{\"container\":\"" + container + "\",\"sourceHost\":\"" + sourceHost
                + "\",\"targetHost\":\"" + targetHost + "\"");
        if (transfer != null) {
            json.append(",\"transfer\":\"").append(transfer).append('"');
        }
        if (postCopy) {
            json.append(",\"postCopy\":true");
        }
        return json.append('}').toString();
    }

    /** Null when the events show the migration ran in this mode; otherwise what ran instead. */
    String notCarriedOut(MigrationEvents e) {
        boolean direct = e.first("CheckpointCompleted").map(c -> c.path("direct").asBoolean(false)).orElse(false);
        switch (this) {
            case DIRECT:
                return direct ? null : "ran through the registry (CheckpointCompleted.direct=false): direct transfer not carried out yet";
            case REGISTRY:
                return direct ? "ran direct although the registry was asked for" : null;
            default:
                return ranPostCopy(e) ? null : "ran as stop-and-copy (no page server, no pages pending): post-copy not carried out yet";
        }
    }

    static boolean ranPostCopy(MigrationEvents e) {
        boolean pageServer = e.first("CheckpointCompleted").map(c -> !c.path("pageServer").asString("").isEmpty()).orElse(false);
        boolean pending = e.first("RestoreCompleted").map(c -> c.path("pagesPending").asBoolean(false)).orElse(false);
        return pageServer || pending || e.has("PagesTransferred") || e.has("PostCopyFailed");
    }
}
