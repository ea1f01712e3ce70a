package io.ferry.registry.api;

import jakarta.servlet.http.HttpServletRequest;

import java.nio.file.Path;

/**
 * Tomcat's sendfile: when the connector supports it, a whole blob is handed to the kernel
 * (sendfile(2)) instead of being copied through the JVM, as Tomcat's own DefaultServlet does.
 */
final class Sendfile {
    private static final String SUPPORT = "org.apache.tomcat.sendfile.support";

    private Sendfile() {
    }

    /** True when Tomcat will send the file after the handler returns (the handler writes no body). */
    static boolean offer(HttpServletRequest request, Path file, long size) {
        if (!Boolean.TRUE.equals(request.getAttribute(SUPPORT))) {
            return false;
        }
        request.setAttribute("org.apache.tomcat.sendfile.filename", file.toAbsolutePath().toString());
        request.setAttribute("org.apache.tomcat.sendfile.start", 0L);
        request.setAttribute("org.apache.tomcat.sendfile.end", size);
        return true;
    }
}
