package io.ferry.core.testing;

import io.ferry.core.engine.EngineSettings;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;

/** {@code @RegisterExtension TestHosts hosts}: test hosts created in a test are closed after it, pass or fail. */
public final class TestHosts implements AfterEachCallback {
    private final List<TestHost> created = new ArrayList<>();

    public TestHost create(String label) {
        return create(label, EngineSettings.defaults());
    }

    public TestHost create(String label, EngineSettings settings) {
        TestHost h = TestHost.create(label, settings);
        created.add(h);
        return h;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<TestHost> hosts = List.copyOf(created);
        created.clear();
        RuntimeException failure = closeAll(hosts);
        if (failure != null) {
            throw failure;
        }
    }

    /** Closes every host even when one fails; the first failure (the others suppressed in it), or null. */
    static RuntimeException closeAll(List<TestHost> hosts) {
        RuntimeException failure = null;
        for (TestHost h : hosts) {
            try {
                h.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        return failure;
    }
}
