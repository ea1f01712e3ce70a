package io.ferry.bench;

import java.util.ArrayList;
import java.util.List;

/** What the runners report of their rounds. */
public final class Stats {
    private Stats() {
    }

    /** The median; NaN when nothing was measured. */
    public static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> v = new ArrayList<>(values);
        v.sort(Double::compare);
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }
}
