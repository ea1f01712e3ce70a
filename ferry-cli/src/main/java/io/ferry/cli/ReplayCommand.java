package io.ferry.cli;

import io.ferry.core.error.FerryException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.Callable;

@Command(name = "replay", description = "Rebuild the gateway's migration views from its event log.")
final class ReplayCommand implements Callable<Integer> {
    @Option(names = "--gateway", defaultValue = "${FERRY_GATEWAY:-http://localhost:8080}",
            description = "The gateway's URL (default: $FERRY_GATEWAY or ${DEFAULT-VALUE}).")
    URI gateway;

    @Override
    public Integer call() throws IOException, InterruptedException {
        HttpResponse<String> r;
        try {
            r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(gateway.resolve("/api/admin/replay"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new FerryException("cannot reach the gateway at " + gateway + ": " + e.getMessage(), e);
        }
        if (r.statusCode() != 200) {
            throw new FerryException("the gateway refused the replay: HTTP " + r.statusCode() + " " + r.body());
        }
        System.out.println(r.body());
        return 0;
    }
}
