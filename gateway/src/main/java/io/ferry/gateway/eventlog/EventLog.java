package io.ferry.gateway.eventlog;

import io.ferry.protocol.MessageCodec;
import io.ferry.protocol.MigrationMessage;
import org.springframework.stereotype.Service;

import java.util.List;
import java.util.OptionalLong;

/** The append-only log of every migration message; duplicates (same event id) are not appended. */
@Service
public class EventLog {
    private final EventLogRepository entries;

    public EventLog(EventLogRepository entries) {
        this.entries = entries;
    }

    /** The new entry's sequence number, or empty when the message was logged before. */
    public OptionalLong append(MigrationMessage m) {
        String requestedBy = m instanceof MigrationMessage.MigrateRequested r ? r.requestedBy() : null;
        int added = entries.append(m.meta().id(), m.meta().migrationId(), m.type(), m.meta().hostId(), m.meta().at(),
                MessageCodec.encode(m), requestedBy);
        return added == 0 ? OptionalLong.empty() : OptionalLong.of(entries.seqOf(m.meta().id()));
    }

    public List<EventLogEntry> of(String migrationId) {
        return entries.findByMigrationIdOrderBySeqAsc(migrationId);
    }

    /** The migration's entries after sequence number {@code seq}, in order. */
    public List<EventLogEntry> after(String migrationId, long seq) {
        return entries.findByMigrationIdAndSeqGreaterThanOrderBySeqAsc(migrationId, seq);
    }
}
