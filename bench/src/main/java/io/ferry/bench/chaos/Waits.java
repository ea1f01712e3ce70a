package io.ferry.bench.chaos;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded polling. */
final class Waits {
    private Waits() {
    }

    static boolean within(BooleanSupplier condition, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            sleep(250);
        }
        return condition.getAsBoolean();
    }

    static void until(BooleanSupplier condition, Duration bound, String what) {
        if (!within(condition, bound)) {
            throw new IllegalStateException("waited " + bound.toSeconds() + " s for " + what);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
