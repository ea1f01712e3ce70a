package io.ferry.cli;

import io.ferry.core.error.FerryException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.Callable;

@Command(name = "replay", description = "Rebuild the gateway's migration views from its event log (needs the admin role).")
final class ReplayCommand implements Callable<Integer> {
    @Mixin
    GatewayClient gateway;

    @Override
    public Integer call() throws InterruptedException {
        HttpResponse<String> r = gateway.send(HttpRequest.newBuilder(gateway.resolve("/api/admin/replay"))
                .POST(HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new FerryException("the gateway refused the replay: " + GatewayClient.detail(r.body(), "HTTP " + r.statusCode()));
        }
        System.out.println(r.body());
        return 0;
    }
}
