package io.ferry.core.registry;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 exchange over a plain socket, for blob bodies only: the JDK's HttpClient moves a body in
 * 16 KiB buffers handed between threads (about 600 MiB/s on loopback), this moves it with large reads
 * and writes, and a file goes out with sendfile(2) ({@link FileChannel#transferTo}). Plain http only
 * (a TLS registry goes through HttpClient); no redirects, no keep-alive ({@code Connection: close}).
 * {@link RegistryClient} uses it for the common answer (200/201/202/206 with a length) and falls back
 * to its general path for anything else (401, redirects, chunked answers).
 */
final class DirectHttp implements AutoCloseable {
    /** Big enough that a blob moves in few system calls, small enough to stay in the CPU's cache. */
    static final int BUFFER = 256 << 10;
    private static final int MAX_HEAD = 64 << 10;
    private static final int MAX_INTERIM = 8;
    private static final int CONNECT_TIMEOUT_MS = 10_000;

    private final SocketChannel channel;
    private final String host;
    private InputStream in;

    private DirectHttp(SocketChannel channel, String host) {
        this.channel = channel;
        this.host = host;
    }

    static DirectHttp connect(URI uri) throws IOException {
        int port = uri.getPort() == -1 ? 80 : uri.getPort();
        SocketChannel ch = SocketChannel.open();
        try {
            ch.socket().connect(new InetSocketAddress(uri.getHost(), port), CONNECT_TIMEOUT_MS);
            ch.socket().setTcpNoDelay(true);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        return new DirectHttp(ch, uri.getRawAuthority());
    }

    /** Sends the request line and headers; {@code length} >= 0 is the body's Content-Length, -1 a chunked body. */
    void head(String method, URI uri, Map<String, String> headers, long length) throws IOException {
        StringBuilder h = new StringBuilder(method).append(' ').append(uri.getRawPath());
        if (uri.getRawQuery() != null) {
            h.append('?').append(uri.getRawQuery());
        }
        h.append(" HTTP/1.1\r\nHost: ").append(host).append("\r\nConnection: close\r\n");
        headers.forEach((k, v) -> {
            if (v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("header " + k + " holds a line break");
            }
            h.append(k).append(": ").append(v).append("\r\n");
        });
        if (length >= 0) {
            h.append("Content-Length: ").append(length).append("\r\n");
        } else if (length == -1) {
            h.append("Transfer-Encoding: chunked\r\n");
        }
        write(ByteBuffer.wrap(h.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1)));
    }

    /** The whole file as the body (the kernel copies it: sendfile). */
    void sendFile(Path file, long size) throws IOException {
        try (FileChannel f = FileChannel.open(file, StandardOpenOption.READ)) {
            for (long at = 0; at < size; ) {
                long n = f.transferTo(at, size - at, channel);
                if (n <= 0 && at < size && f.size() < size) {
                    throw new EOFException(file + " shrank to " + f.size() + " bytes while being sent");
                }
                at += n;
            }
        }
    }

    /** One chunk of a chunked body (empty: the last one). */
    void chunk(byte[] b, int off, int len) throws IOException {
        byte[] size = (Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] crlf = {'\r', '\n'};
        if (len == 0) {
            write(ByteBuffer.wrap("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)));
            return;
        }
        ByteBuffer[] parts = {ByteBuffer.wrap(size), ByteBuffer.wrap(b, off, len), ByteBuffer.wrap(crlf)};
        while (parts[2].hasRemaining()) {
            channel.write(parts);
        }
    }

    private void write(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    /** The answer's status line and headers (names in lower case); the body is {@link #body}. */
    record Answer(int status, Map<String, String> headers) {
        String header(String name) {
            return headers.get(name);
        }

        /** The Content-Length, or -1 when the body is chunked or delimited otherwise. */
        long length() {
            String te = headers.get("transfer-encoding");
            String cl = headers.get("content-length");
            if (te != null || cl == null || !cl.matches("[0-9]{1,18}")) {
                return -1;
            }
            return Long.parseLong(cl);
        }
    }

    /**
     * The final answer: interim (1xx) answers before it are skipped, at most {@value #MAX_INTERIM} of them, read
     * from the one buffered stream (a second buffer would lose what the first had read ahead: the real answer).
     */
    Answer answer() throws IOException {
        if (in == null) {
            in = new BufferedInputStream(Channels.newInputStream(channel), BUFFER);
        }
        for (int interim = 0; interim <= MAX_INTERIM; interim++) {
            Answer a = oneAnswer();
            if (a.status() >= 200) {
                return a;
            }
        }
        throw new IOException("more than " + MAX_INTERIM + " interim (1xx) answers: not a registry");
    }

    private Answer oneAnswer() throws IOException {
        String status = line();
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].matches("[0-9]{3}")) {
            throw new IOException("not an HTTP answer: " + status);
        }
        int code = Integer.parseInt(parts[1]);
        Map<String, String> headers = new HashMap<>();
        int total = status.length();
        for (String l = line(); !l.isEmpty(); l = line()) {
            total += l.length();
            if (total > MAX_HEAD) {
                throw new IOException("answer headers exceed " + MAX_HEAD + " bytes");
            }
            int colon = l.indexOf(':');
            if (colon > 0) {
                headers.merge(l.substring(0, colon).strip().toLowerCase(Locale.ROOT), l.substring(colon + 1).strip(),
                        (a, b) -> a + ", " + b);
            }
        }
        return new Answer(code, headers);
    }

    /** Exactly {@code length} bytes of body; fewer is an EOFException. Closing it closes the connection. */
    InputStream body(long length) {
        return new FilterInputStream(in) {
            private long left = length;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left == 0) {
                    return -1;
                }
                int n = super.read(b, off, (int) Math.min(len, left));
                if (n < 0) {
                    throw new EOFException("connection closed " + left + " bytes before the end of the body");
                }
                left -= n;
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                long s = super.skip(Math.min(n, left));
                left -= s;
                return s;
            }

            /** In {@link #BUFFER}-sized pieces (InputStream's own uses 8 KiB: a write per 8 KiB into a file). */
            @Override
            public long transferTo(java.io.OutputStream out) throws IOException {
                return copy(this, out);
            }

            @Override
            public int available() throws IOException {
                return (int) Math.min(super.available(), left);
            }

            @Override
            public void close() throws IOException {
                DirectHttp.this.close();
            }
        };
    }

    /** Copies {@code in} to {@code out} in {@link #BUFFER}-sized reads and writes; returns the count. */
    static long copy(InputStream in, java.io.OutputStream out) throws IOException {
        byte[] buf = new byte[BUFFER];
        long total = 0;
        for (int n; (n = in.readNBytes(buf, 0, buf.length)) > 0; ) {
            out.write(buf, 0, n);
            total += n;
        }
        return total;
    }

    /** At most {@code max} bytes of the answer's body (an error body: its length, its chunks, or up to the close). */
    byte[] smallBody(Answer a, int max) throws IOException {
        if (a.length() >= 0) {
            return in.readNBytes((int) Math.min(max, a.length()));
        }
        if (!"chunked".equalsIgnoreCase(String.valueOf(a.header("transfer-encoding")).strip())) {
            return in.readNBytes(max);
        }
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        while (body.size() < max) {
            String size = line().split(";", 2)[0].strip();
            if (!size.matches("[0-9a-fA-F]{1,7}")) {
                throw new IOException("malformed chunk size \"" + size + "\"");
            }
            int n = Integer.parseInt(size, 16);
            if (n == 0) {
                break;
            }
            body.write(in.readNBytes(Math.min(n, max - body.size())));
            line();
        }
        return body.toByteArray();
    }

    private String line() throws IOException {
        StringBuilder s = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException("connection closed in the answer's headers");
            }
            if (s.length() > MAX_HEAD) {
                throw new IOException("answer header line exceeds " + MAX_HEAD + " bytes");
            }
            if (c != '\r') {
                s.append((char) c);
            }
        }
        return s.toString();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
