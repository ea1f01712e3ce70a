package io.ferry.core.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** A port free on an address right now, for a page server asked to pick one (port 0): CRIU takes no 0. */
final class FreePorts {
    private FreePorts() {
    }

    static int pick(String address) {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(address))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + address + " for the page server", e);
        }
    }
}
