package io.ferry.core.exec;

import java.util.function.Supplier;

/** A value computed on first use, once (tool discovery that most commands never need). */
public final class Memoized {
    private Memoized() {
    }

    public static <T> Supplier<T> of(Supplier<T> supplier) {
        return new Supplier<>() {
            private volatile T value;

            @Override
            public T get() {
                T v = value;
                if (v == null) {
                    synchronized (this) {
                        if (value == null) {
                            value = supplier.get();
                        }
                        v = value;
                    }
                }
                return v;
            }
        };
    }
}
