package io.ferry.spring;

import org.springframework.boot.SpringApplication;

/**
 * Every Ferry service's main: runs the application and, when it fails to start, exits with 1. Boot
 * has logged why and closed what the context started (embedded PostgreSQL, the in-process broker)
 * by then; without the exit, a thread left running (Kafka's) would keep a half-started service
 * alive, holding its ports with no HTTP, and a supervisor that restarts on exit would wait forever.
 */
public final class ServiceMain {
    private ServiceMain() {
    }

    public static void run(SpringApplication app, String[] args) {
        try {
            app.run(args);
        } catch (Throwable startupFailure) {
            System.exit(1);
        }
    }
}
