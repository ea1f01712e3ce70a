package io.ferry.core.network;

import io.ferry.core.criu.Executables;
import io.ferry.core.error.ToolFailedException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Tells the network where a container's address is: gratuitous ARPs from the container's namespace
 * (iputils-arping), so bridges, VXLAN peers and neighbours update at once after a move. arping sends its
 * first packet at once but then waits a second per packet (its interval is whole seconds): it runs on in the
 * background, so announcing adds no second to a restore.
 */
public final class NeighbourAnnouncer {
    /** Long enough for arping to fail fast (no such device, no such namespace), short against a migration. */
    private static final long EARLY_FAILURE_MS = 200;
    public void announce(Path netns, NetworkAttachment a) {
        if (Executables.onPath("arping").isEmpty()) {
            throw new ToolFailedException("cannot announce " + a.ip() + ": arping is not installed (iputils-arping;"
                    + " scripts/install-host.sh installs it)", List.of());
        }
        List<String> command = new ArrayList<>(List.of("nsenter", "--net=" + netns, "arping", "-U", "-c", "2", "-I",
                a.interfaceName(), a.ip()));
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            throw new ToolFailedException("cannot run arping", List.of(String.valueOf(e.getMessage())));
        }
        try {
            if (p.waitFor(EARLY_FAILURE_MS, TimeUnit.MILLISECONDS) && p.exitValue() != 0 && p.exitValue() != 1) {
                throw new ToolFailedException("announcing " + a.ip() + " failed (arping exit " + p.exitValue() + ")",
                        lines(p.getInputStream()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        p.onExit().thenRun(() -> close(p.getInputStream()));
    }

    private static List<String> lines(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static void close(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // the process is gone; nothing to release
        }
    }
}
