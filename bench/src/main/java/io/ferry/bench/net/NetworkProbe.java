package io.ferry.bench.net;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The client of issue 12's proof, run in a network namespace of its own (nsenter --net=...): polls a
 * container's HTTP server every 20 ms and holds one TCP connection to its counter service while the container
 * moves, then prints what it saw (a table, then a {@code PROBE ...} line: {@link ProbeReport}).
 * <pre>
 * java -cp bench/target/classes io.ferry.bench.net.NetworkProbe --http IP:PORT --tcp IP:PORT
 *      [--interval-ms 20] [--stop-file PATH] [--max-seconds 300]
 * </pre>
 * It prints {@code READY} once HTTP answered and the counter's first line arrived, and stops when the stop
 * file exists (or after max-seconds). Only the JDK: it runs from the classes directory alone. Exit code 0 when
 * the connection was kept and the counter went on one by one, 1 otherwise, 2 on bad arguments.
 */
public final class NetworkProbe {
    private NetworkProbe() {
    }

    public static void main(String[] args) throws InterruptedException {
        String http = null;
        String tcp = null;
        long interval = 20;
        Path stopFile = null;
        long maxSeconds = 300;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--http" -> http = args[i + 1];
                case "--tcp" -> tcp = args[i + 1];
                case "--interval-ms" -> interval = Long.parseLong(args[i + 1]);
                case "--stop-file" -> stopFile = Path.of(args[i + 1]);
                case "--max-seconds" -> maxSeconds = Long.parseLong(args[i + 1]);
                default -> usage("unknown option " + args[i]);
            }
        }
        if (http == null || tcp == null || args.length % 2 != 0) {
            usage("--http IP:PORT and --tcp IP:PORT are required");
        }
        HttpPoller poller = new HttpPoller(address(http), interval);
        HeldConnection held = new HeldConnection(address(tcp));
        Thread p = start("http-poller", poller);
        Thread h = start("held-connection", held);
        long deadline = System.currentTimeMillis() + maxSeconds * 1000;
        boolean ready = false;
        while (System.currentTimeMillis() < deadline && (stopFile == null || !Files.exists(stopFile))) {
            if (!ready && poller.answeredOnce() && held.receiving()) {
                ready = true;
                System.out.println("READY");
                System.out.flush();
            }
            sleep(20);
        }
        long end = System.currentTimeMillis();
        ProbeReport report = new ProbeReport(poller.report(end), held.report(end));
        poller.stop();
        held.stop();
        p.join(3000);
        h.join(3000);
        System.out.println(report.table("http://" + http + "/ and tcp " + tcp));
        System.out.println(report.line());
        System.out.flush();
        System.exit(report.tcp().kept() && report.tcp().jump() == null ? 0 : 1);
    }

    private static Thread start(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 1) {
            usage("not IP:PORT: " + hostPort);
        }
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    private static void usage(String why) {
        System.err.println("NetworkProbe: " + why);
        System.err.println("usage: NetworkProbe --http IP:PORT --tcp IP:PORT [--interval-ms 20] [--stop-file PATH] [--max-seconds 300]");
        System.exit(2);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
