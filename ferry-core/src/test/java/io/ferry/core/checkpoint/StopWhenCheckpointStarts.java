package io.ferry.core.checkpoint;

import io.ferry.core.testing.TestHost;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sends SIGSTOP to a process of a container as soon as a checkpoint of it has written its intent (after the
 * stopped-task check, before runc and CRIU are up): the way to make a dump hang now that a task stopped
 * beforehand is refused at once.
 */
final class StopWhenCheckpointStarts {
    private final AtomicBoolean stopped = new AtomicBoolean();

    private StopWhenCheckpointStarts() {
    }

    /** Watches for the checkpoint of {@code container}; stops its init's child whose arguments include {@code arg}. */
    static StopWhenCheckpointStarts start(TestHost host, String container, String arg) {
        String id = host.engine().containers().store().get(container).id();
        Path intent = host.engine().containers().store().layout(id).checkpointIntent();
        long init = host.engine().containers().inspect(container).pid();
        long target = ProcessHandle.of(init).orElseThrow().children()
                .filter(p -> p.info().arguments().map(List::of).orElse(List.of()).contains(arg))
                .findFirst().orElseThrow(() -> new AssertionError("no child with argument " + arg)).pid();
        StopWhenCheckpointStarts s = new StopWhenCheckpointStarts();
        Thread t = new Thread(() -> {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!Files.exists(intent) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            try {
                new ProcessBuilder("kill", "-STOP", Long.toString(target)).start().waitFor();
                s.stopped.set(true);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "stop-when-checkpoint-starts");
        t.setDaemon(true);
        t.start();
        return s;
    }

    boolean stopped() {
        return stopped.get();
    }
}
