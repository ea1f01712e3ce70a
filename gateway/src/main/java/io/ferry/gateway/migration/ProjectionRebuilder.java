package io.ferry.gateway.migration;

import io.ferry.gateway.eventlog.EventLogEntry;
import io.ferry.gateway.eventlog.EventLogRepository;
import io.ferry.protocol.MessageCodec;
import io.ferry.protocol.MigrationMessage;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Replay: drops the migrations view and folds the whole event log into it again, in log order
 * ({@code ferry replay}, {@code POST /api/admin/replay}). Decisions are not taken again: they are in
 * the log already.
 */
@Service
public class ProjectionRebuilder {
    private static final int PAGE = 1000;

    private final EventLogRepository log;
    private final MigrationRepository migrations;

    public ProjectionRebuilder(EventLogRepository log, MigrationRepository migrations) {
        this.log = log;
        this.migrations = migrations;
    }

    public record Result(long events, int migrations) {
    }

    @Transactional
    public Result rebuild() {
        migrations.deleteAllInBatch();
        migrations.flush();
        Map<String, Migration> rebuilt = new HashMap<>();
        long after = 0;
        long count = 0;
        List<EventLogEntry> page;
        do {
            page = log.findBySeqGreaterThanOrderBySeqAsc(after, Limit.of(PAGE));
            for (EventLogEntry e : page) {
                MigrationMessage m = MessageCodec.decode(e.getPayload());
                Migration folded = MigrationProjection.fold(rebuilt.get(e.getMigrationId()), m, e.getSeq());
                if (folded != null) {
                    rebuilt.put(e.getMigrationId(), folded);
                }
                after = e.getSeq();
                count++;
            }
        } while (page.size() == PAGE);
        migrations.saveAll(rebuilt.values());
        return new Result(count, rebuilt.size());
    }
}
