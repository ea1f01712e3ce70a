package io.ferry.spring.kafka;

import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import java.nio.file.Path;
import java.util.Map;

/**
 * With {@code ferry.kafka.embedded=true}, starts an {@link InProcessKafkaBroker} before the context's
 * Kafka clients exist and points {@code spring.kafka.bootstrap-servers} at it; stops it with the
 * context. Listens on {@code ferry.kafka.embedded.listen} (default 127.0.0.1:9092), keeps its data
 * in {@code ferry.kafka.embedded.data-dir}, knows the principals and passwords of
 * {@code ferry.kafka.embedded.users-file} (required: there are no default passwords).
 */
public class InProcessKafkaInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        ConfigurableEnvironment env = context.getEnvironment();
        if (!env.getProperty("ferry.kafka.embedded", Boolean.class, false)) {
            return;
        }
        String listen = env.getProperty("ferry.kafka.embedded.listen", "127.0.0.1:9092");
        int colon = listen.lastIndexOf(':');
        Path dir = Path.of(env.getProperty("ferry.kafka.embedded.data-dir", "/var/lib/ferry/kafka"));
        String usersFile = env.getProperty("ferry.kafka.embedded.users-file");
        if (usersFile == null || usersFile.isBlank()) {
            throw new IllegalStateException("ferry.kafka.embedded=true needs ferry.kafka.embedded.users-file "
                    + "(FERRY_KAFKA_EMBEDDED_USERS_FILE): a properties file principal=password of every Kafka principal");
        }
        InProcessKafkaBroker broker = InProcessKafkaBroker.start(listen.substring(0, colon),
                Integer.parseInt(listen.substring(colon + 1)), dir, KafkaUsers.read(Path.of(usersFile)));
        env.getPropertySources().addFirst(new MapPropertySource("ferry-in-process-kafka",
                Map.of("spring.kafka.bootstrap-servers", broker.bootstrapServers())));
        StopLast stopLast = new StopLast(broker);
        context.getBeanFactory().registerSingleton("inProcessKafkaBroker", stopLast);
        // a context that fails to refresh never stops its lifecycle beans, but it destroys its singletons
        ((DefaultSingletonBeanRegistry) context.getBeanFactory()).registerDisposableBean("inProcessKafkaBroker", stopLast::stop);
    }

    /**
     * Stops the broker after everything else that has a lifecycle (the lowest phase stops last):
     * listener containers stopped after their broker would wait for it forever.
     */
    static final class StopLast implements SmartLifecycle {
        private final InProcessKafkaBroker broker;
        private volatile boolean running = true;

        StopLast(InProcessKafkaBroker broker) {
            this.broker = broker;
        }

        @Override
        public void start() {
            running = true;
        }

        @Override
        public void stop() {
            if (running) {
                running = false;
                broker.close();
            }
        }

        @Override
        public boolean isRunning() {
            return running;
        }

        @Override
        public int getPhase() {
            return Integer.MIN_VALUE;
        }
    }
}
