package io.ferry.restoring;

import io.ferry.core.checkpoint.PageFetching;
import io.ferry.core.checkpoint.PageTransfer;
import io.ferry.protocol.Meta;
import io.ferry.protocol.MigrationMessage;
import io.ferry.protocol.MigrationMessage.PagesTransferred;
import io.ferry.protocol.MigrationMessage.PostCopyFailed;
import io.ferry.protocol.MigrationMessage.RestoreCommand;
import io.ferry.protocol.MigrationMessage.RestoreProgress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The target's post-copy outcomes, on disk (no engine, no Kafka: the page fetching is a future completed here,
 * the reports a list): the target reports PagesTransferred or, removing the copy, PostCopyFailed; a service
 * restarted while pages were pending reports them lost; asked again, it says what the fetching came to.
 */
class PostCopyFetchesTest {
    @TempDir
    Path dir;

    private final List<MigrationMessage> sent = new CopyOnWriteArrayList<>();
    private final Set<String> copies = new HashSet<>(Set.of("m-1"));
    private final List<String> removed = new CopyOnWriteArrayList<>();

    private PostCopyFetches fetches(Duration tick) {
        return new PostCopyFetches(dir, sent::add, new PostCopyFetches.Copies() {
            @Override
            public boolean exists(String migrationId) {
                return copies.contains(migrationId);
            }

            @Override
            public void remove(String migrationId) {
                removed.add(migrationId);
                copies.remove(migrationId);
            }
        }, tick);
    }

    private static RestoreCommand restore(String kind) {
        return new RestoreCommand(new Meta("m-1/" + kind, "m-1", "host-b", Instant.EPOCH, Meta.VERSION, 3),
                "registry://r:5000/ferry/migrations/host-a:m-1", null, false, "sha256:" + "fe".repeat(32), "host-a", null,
                false, null, null, "10.0.0.1:40123");
    }

    private static PageFetching fetching(CompletableFuture<PageTransfer> done) {
        return () -> done;
    }

    @Test
    void everyPageArrivedIsReportedAsPagesTransferredUnderTheCommandsIds() {
        PostCopyFetches fetches = fetches(Duration.ofHours(1));
        CompletableFuture<PageTransfer> done = new CompletableFuture<>();
        fetches.pending(restore("restore"));
        fetches.watch(restore("restore"), fetching(done));

        done.complete(new PageTransfer(1L << 30, Duration.ofMillis(2_500)));

        assertThat(sent).singleElement().isInstanceOfSatisfying(PagesTransferred.class, p -> {
            assertThat(p.meta().id()).isEqualTo("m-1/restore/pages-transferred");
            assertThat(p.meta().epoch()).as("echoes the command's epoch (fencing)").isEqualTo(3);
            assertThat(p.bytes()).isEqualTo(1L << 30);
            assertThat(p.millis()).isEqualTo(2_500);
        });
        assertThat(removed).isEmpty();
        assertThat(fetches.outcome(restore("restore-again"))).get().isInstanceOfSatisfying(PagesTransferred.class,
                p -> assertThat(p.meta().id()).isEqualTo("m-1/restore-again/pages-transferred"));
    }

    @Test
    void aBrokenTransferRemovesTheCopyAndReportsTheContainerLost() {
        PostCopyFetches fetches = fetches(Duration.ofHours(1));
        CompletableFuture<PageTransfer> done = new CompletableFuture<>();
        fetches.pending(restore("restore"));
        fetches.watch(restore("restore"), fetching(done));

        done.completeExceptionally(new IllegalStateException("Lazy pages transfer FAILED"));

        assertThat(removed).containsExactly("m-1");
        assertThat(sent).singleElement().isInstanceOfSatisfying(PostCopyFailed.class, f -> {
            assertThat(f.containerLost()).isTrue();
            assertThat(f.reason()).contains("Lazy pages transfer FAILED").contains("copy on this host was removed");
        });
        assertThat(fetches.outcome(restore("restore-again"))).get().isInstanceOf(PostCopyFailed.class);
    }

    @Test
    void aServiceRestartedWhilePagesWerePendingReportsThemLostOnceAndRemovesTheCopy() {
        PostCopyFetches before = fetches(Duration.ofHours(1));
        CompletableFuture<PageTransfer> done = new CompletableFuture<>();
        before.pending(restore("restore"));
        before.watch(restore("restore"), fetching(done));

        PostCopyFetches restarted = fetches(Duration.ofHours(1)); // the killed service's daemon is gone with it
        assertThat(restarted.lostAtRestart()).containsExactly("m-1");
        done.complete(new PageTransfer(1, Duration.ZERO)); // a late word from the old watch changes nothing

        assertThat(removed).containsExactly("m-1");
        assertThat(sent).singleElement().isInstanceOfSatisfying(PostCopyFailed.class, f -> {
            assertThat(f.meta().id()).isEqualTo("m-1/restore/post-copy-failed");
            assertThat(f.reason()).contains("restarted");
        });
        assertThat(fetches(Duration.ofHours(1)).lostAtRestart()).as("a second restart reports nothing new").isEmpty();
    }

    @Test
    void aServiceKilledBeforeItsCopyExistedForgetsTheTransferSoTheRedeliveredCommandRestores() {
        copies.clear();
        fetches(Duration.ofHours(1)).pending(restore("restore"));

        assertThat(fetches(Duration.ofHours(1)).lostAtRestart()).isEmpty();

        assertThat(sent).isEmpty();
        assertThat(fetches(Duration.ofHours(1)).of("m-1")).isEmpty();
    }

    @Test
    void pendingPagesSayTheyAreStillComingEveryTick() throws Exception {
        PostCopyFetches fetches = fetches(Duration.ofMillis(20));
        CompletableFuture<PageTransfer> done = new CompletableFuture<>();
        fetches.pending(restore("restore"));
        fetches.watch(restore("restore"), fetching(done));

        org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS)
                .until(() -> sent.stream().filter(m -> m instanceof RestoreProgress).count() >= 2);
        done.complete(new PageTransfer(1, Duration.ZERO));

        assertThat(sent).filteredOn(m -> m instanceof RestoreProgress).allSatisfy(p ->
                assertThat(((RestoreProgress) p).stage()).isEqualTo("fetching memory pages"));
        assertThat(fetches.outcome(restore("again"))).get().isInstanceOf(PagesTransferred.class);
    }
}
