package io.ferry.bench.net;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * One TCP connection to a counter service (a number per line, each one more than the last), held open for
 * the whole run and never reopened: it either survives the move (kept) or not (broken: reset, closed). Keeps
 * the longest pause between two lines and whether the numbers went on without a jump or a restart.
 */
final class HeldConnection implements Runnable {
    private static final int CONNECT_TIMEOUT_MS = 2000;
    private static final int POLL_MS = 200; // a read wakes up this often to notice stop()

    private final InetSocketAddress server;
    private volatile boolean stopped;
    private String fate = "not connected";
    private long lines;
    private long first = -1;
    private long last = -1;
    private String jump; // the first break in the sequence, e.g. "41 -> 0"
    private long lastLineAt;
    private long maxGapMs;
    private long maxGapFrom;
    private long maxGapTo;

    HeldConnection(InetSocketAddress server) {
        this.server = server;
    }

    @Override
    public void run() {
        try (Socket s = new Socket()) {
            s.connect(server, CONNECT_TIMEOUT_MS);
            s.setSoTimeout(POLL_MS);
            synchronized (this) {
                fate = "kept";
            }
            read(s.getInputStream());
        } catch (IOException e) {
            broken(e.getMessage());
        }
    }

    private void read(InputStream in) throws IOException {
        byte[] buf = new byte[4096];
        StringBuilder line = new StringBuilder();
        while (!stopped) {
            int n;
            try {
                n = in.read(buf);
            } catch (SocketTimeoutException e) {
                continue; // nothing yet: the service may be frozen for its move
            }
            if (n < 0) {
                broken("closed by the peer");
                return;
            }
            for (int i = 0; i < n; i++) {
                if (buf[i] == '\n') {
                    line(line.toString().strip());
                    line.setLength(0);
                } else {
                    line.append((char) buf[i]);
                }
            }
        }
    }

    private synchronized void line(String text) {
        long now = System.currentTimeMillis();
        if (!text.matches("[0-9]{1,18}")) {
            return;
        }
        long value = Long.parseLong(text);
        if (lines > 0) {
            if (value != last + 1 && jump == null) {
                jump = last + " -> " + value;
            }
            if (now - lastLineAt > maxGapMs) {
                maxGapMs = now - lastLineAt;
                maxGapFrom = lastLineAt;
                maxGapTo = now;
            }
        } else {
            first = value;
        }
        lines++;
        last = value;
        lastLineAt = now;
    }

    private synchronized void broken(String why) {
        if (!stopped) {
            fate = "broken (" + why + ")";
        }
    }

    void stop() {
        stopped = true;
    }

    synchronized boolean receiving() {
        return lines > 0;
    }

    synchronized ProbeReport.Tcp report(long now) {
        return new ProbeReport.Tcp(fate, lines, first, last, jump, maxGapMs, maxGapFrom, maxGapTo,
                lines == 0 ? -1 : Math.max(0, now - lastLineAt)); // a line may land after "now"
    }
}
