package io.ferry.bench.net;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Asks {@code GET /} of an HTTP server every {@code intervalMs}, one fresh connection per request (short
 * timeouts, so a server that is away counts as failures, not as one long hang), and keeps the longest time
 * between two successful answers: what a user of the service saw while it moved.
 */
final class HttpPoller implements Runnable {
    private static final int CONNECT_TIMEOUT_MS = 300;
    private static final int READ_TIMEOUT_MS = 1000;

    private final InetSocketAddress server;
    private final long intervalMs;
    private volatile boolean stopped;
    private int ok;
    private int failed;
    private long lastOkAt; // epoch ms, 0 before the first answer
    private long maxGapMs;
    private long maxGapFrom;
    private long maxGapTo;

    HttpPoller(InetSocketAddress server, long intervalMs) {
        this.server = server;
        this.intervalMs = intervalMs;
    }

    @Override
    public void run() {
        while (!stopped) {
            long started = System.currentTimeMillis();
            boolean answered = askOnce();
            synchronized (this) {
                if (answered) {
                    ok++;
                    long now = System.currentTimeMillis();
                    if (lastOkAt > 0 && now - lastOkAt > maxGapMs) {
                        maxGapMs = now - lastOkAt;
                        maxGapFrom = lastOkAt;
                        maxGapTo = now;
                    }
                    lastOkAt = now;
                } else {
                    failed++;
                }
            }
            long rest = intervalMs - (System.currentTimeMillis() - started);
            if (rest > 0) {
                NetworkProbe.sleep(rest);
            }
        }
    }

    /** One request; true when the server answered 200. */
    private boolean askOnce() {
        try (Socket s = new Socket()) {
            s.connect(server, CONNECT_TIMEOUT_MS);
            s.setSoTimeout(READ_TIMEOUT_MS);
            s.getOutputStream().write(("GET / HTTP/1.0\r\nHost: " + server.getHostString() + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String status = statusLine(s.getInputStream());
            return status.startsWith("HTTP/1.") && status.contains(" 200");
        } catch (IOException e) {
            return false;
        }
    }

    private static String statusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c >= 0 && c != '\n' && line.length() < 200; c = in.read()) {
            line.append((char) c);
        }
        return line.toString();
    }

    void stop() {
        stopped = true;
    }

    synchronized boolean answeredOnce() {
        return ok > 0;
    }

    synchronized ProbeReport.Http report(long now) {
        return new ProbeReport.Http(ok, failed, maxGapMs, maxGapFrom, maxGapTo, lastOkAt == 0 ? -1 : Math.max(0, now - lastOkAt));
    }
}
