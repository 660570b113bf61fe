package org.wsbyhand.client;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.wsbyhand.protocol.handshake.AcceptKey;

/**
 * A scriptable WebSocket server on a raw {@link ServerSocket} bound to 127.0.0.1 (plain, or an
 * {@code SSLServerSocket} passed in): every connection is served on a virtual thread of its own,
 * which reads the request head (bounded), records it in {@link #requests}, and hands the connection to
 * the test's {@link Script}. Frames are read and written by hand here, independently of the code
 * under test, so the tests see exactly the bytes the client puts on the wire.
 *
 * <p>Every blocking read has a timeout ({@link #READ_TIMEOUT}): a script that waits for something
 * that never comes fails instead of hanging. Failures of a script are kept in {@link #failures}.
 */
final class FakeServer implements AutoCloseable {
    /** The longest any single read of the fake server blocks. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_HEAD = 64 * 1024;

    /** What a connection does once its request head is read. */
    @FunctionalInterface
    interface Script {
        void serve(Exchange exchange) throws Exception;
    }

    /**
     * One request head as it arrived.
     *
     * @param method the method
     * @param target the request target
     * @param version the HTTP version
     * @param fields the header fields, in order, as name and value
     * @param head the whole head as text (ISO-8859-1)
     */
    record Request(String method, String target, String version, List<String[]> fields, String head) {
        Optional<String> header(String name) {
            return fields.stream().filter(f -> f[0].equalsIgnoreCase(name)).map(f -> f[1]).findFirst();
        }

        List<String> headers(String name) {
            return fields.stream().filter(f -> f[0].equalsIgnoreCase(name)).map(f -> f[1]).toList();
        }

        /** The values of a comma-separated list field, trimmed and lower-cased. */
        Set<String> tokens(String name) {
            Set<String> tokens = new java.util.HashSet<>();
            for (String value : headers(name)) {
                for (String token : value.split(",")) {
                    tokens.add(token.trim().toLowerCase(Locale.ROOT));
                }
            }
            return tokens;
        }
    }

    /**
     * One frame as the server read it, payload unmasked.
     *
     * @param fin the FIN bit
     * @param rsv the RSV1-3 bits (0-7)
     * @param opcode the opcode
     * @param masked the MASK bit
     * @param maskKey the 4-byte mask key, or null
     * @param payload the payload, unmasked
     */
    record Frame(boolean fin, int rsv, int opcode, boolean masked, byte[] maskKey, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The close code of a close frame, 1005 when it has none. */
        int closeCode() {
            if (opcode != 0x8) {
                throw new AssertionError("not a close frame: opcode " + opcode);
            }
            return payload.length < 2 ? 1005 : ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        }

        String closeReason() {
            return payload.length <= 2 ? "" : new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }

        int maskKeyInt() {
            return ByteBuffer.wrap(maskKey).getInt();
        }
    }

    /** One accepted connection, its request, and the raw helpers a script uses. */
    static final class Exchange {
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        Request request;

        Exchange(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        }

        /** The value a correct server puts in {@code Sec-WebSocket-Accept}. */
        String acceptValue() {
            return AcceptKey.of(request.header("Sec-WebSocket-Key").orElseThrow(
                    () -> new AssertionError("no Sec-WebSocket-Key in " + request.head())));
        }

        /** Writes text as ISO-8859-1 bytes and flushes. */
        void send(String text) throws IOException {
            send(text.getBytes(StandardCharsets.ISO_8859_1));
        }

        void send(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** A valid 101 with the extra header lines given (each without its CRLF). */
        void accept(String... extraLines) throws IOException {
            StringBuilder head = new StringBuilder("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + acceptValue() + "\r\n");
            for (String line : extraLines) {
                head.append(line).append("\r\n");
            }
            send(head.append("\r\n").toString());
        }

        /** An unmasked frame from the server. */
        void sendFrame(boolean fin, int opcode, byte[] payload) throws IOException {
            send(frame(fin, opcode, payload, null));
        }

        void sendText(String text) throws IOException {
            sendFrame(true, 0x1, text.getBytes(StandardCharsets.UTF_8));
        }

        void sendClose(int code, String reason) throws IOException {
            byte[] text = reason.getBytes(StandardCharsets.UTF_8);
            byte[] payload = new byte[2 + text.length];
            payload[0] = (byte) (code >> 8);
            payload[1] = (byte) code;
            System.arraycopy(text, 0, payload, 2, text.length);
            sendFrame(true, 0x8, payload);
        }

        /** The next frame, or null at the end of the stream (also in the middle of a frame). */
        Frame readFrame() throws IOException {
            return readFrame(READ_TIMEOUT);
        }

        Frame readFrame(Duration timeout) throws IOException {
            socket.setSoTimeout((int) timeout.toMillis());
            int b0 = in.read();
            if (b0 < 0) {
                return null;
            }
            try {
                int b1 = readByte();
                long length = b1 & 0x7f;
                if (length == 126) {
                    length = (readByte() << 8) | readByte();
                } else if (length == 127) {
                    length = 0;
                    for (int i = 0; i < 8; i++) {
                        length = (length << 8) | readByte();
                    }
                }
                if (length > 64L << 20) {
                    throw new IOException("frame of " + length + " bytes: too large for the fake server");
                }
                boolean masked = (b1 & 0x80) != 0;
                byte[] key = masked ? readExactly(4) : null;
                byte[] payload = readExactly((int) length);
                if (masked) {
                    for (int i = 0; i < payload.length; i++) {
                        payload[i] ^= key[i & 3];
                    }
                }
                return new Frame((b0 & 0x80) != 0, (b0 >> 4) & 7, b0 & 0xf, masked, key, payload);
            } catch (EOFException e) {
                return null;
            }
        }

        /** Reads frames until a close frame (returned) or the end of the stream (null). */
        Frame readUntilClose() throws IOException {
            Frame frame;
            while ((frame = readFrame()) != null && frame.opcode() != 0x8) {
                // skip data and control frames
            }
            return frame;
        }

        /**
         * Reads and drops bytes until the end of the stream, for at most {@code timeout}.
         *
         * @return true at the end of the stream (or a reset), false when the time was up first
         */
        boolean awaitEof(Duration timeout) throws IOException {
            long deadline = System.nanoTime() + timeout.toNanos();
            byte[] sink = new byte[8192];
            while (true) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                socket.setSoTimeout((int) Math.max(1, left));
                try {
                    if (in.read(sink) < 0) {
                        return true;
                    }
                } catch (SocketTimeoutException e) {
                    return false;
                } catch (IOException e) {
                    return true; // reset: the client is gone too
                }
            }
        }

        private int readByte() throws IOException {
            int b = in.read();
            if (b < 0) {
                throw new EOFException();
            }
            return b;
        }

        private byte[] readExactly(int n) throws IOException {
            byte[] bytes = in.readNBytes(n);
            if (bytes.length < n) {
                throw new EOFException();
            }
            return bytes;
        }

        private Request readHead() throws IOException {
            socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    return null;
                }
                head.write(b);
                if (head.size() > MAX_HEAD) {
                    throw new IOException("request head larger than " + MAX_HEAD);
                }
                matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
            }
            String text = head.toString(StandardCharsets.ISO_8859_1);
            String[] lines = text.substring(0, text.length() - 4).split("\r\n", -1);
            String[] start = lines[0].split(" ", -1);
            if (start.length != 3) {
                throw new IOException("malformed request line: " + lines[0]);
            }
            List<String[]> fields = new ArrayList<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon <= 0) {
                    throw new IOException("malformed header line: " + lines[i]);
                }
                fields.add(new String[] {lines[i].substring(0, colon), lines[i].substring(colon + 1).trim()});
            }
            return new Request(start[0], start[1], start[2], List.copyOf(fields), text);
        }
    }

    /** An unmasked frame (maskKey null) or a masked one. */
    static byte[] frame(boolean fin, int opcode, byte[] payload, byte[] maskKey) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write((fin ? 0x80 : 0) | opcode);
        int maskBit = maskKey == null ? 0 : 0x80;
        if (payload.length < 126) {
            out.write(maskBit | payload.length);
        } else if (payload.length < 65536) {
            out.write(maskBit | 126);
            out.write(payload.length >> 8);
            out.write(payload.length);
        } else {
            out.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) payload.length >> shift));
            }
        }
        if (maskKey != null) {
            out.write(maskKey, 0, 4);
            for (int i = 0; i < payload.length; i++) {
                out.write(payload[i] ^ maskKey[i & 3]);
            }
        } else {
            out.write(payload, 0, payload.length);
        }
        return out.toByteArray();
    }

    final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    final BlockingQueue<Throwable> failures = new LinkedBlockingQueue<>();
    private final ServerSocket server;
    private final Script script;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** A plain server on 127.0.0.1 and a free port. */
    FakeServer(Script script) throws IOException {
        this(new ServerSocket(), script);
    }

    /** A server on an unbound server socket (plain or TLS), bound here to 127.0.0.1 and a free port. */
    FakeServer(ServerSocket unbound, Script script) throws IOException {
        this.server = unbound;
        this.script = script;
        server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        Thread.ofVirtual().name("fake-server-accept").start(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    /** The next request head, waiting at most 20 s. */
    Request request() throws InterruptedException {
        Request request = requests.poll(20, TimeUnit.SECONDS);
        if (request == null) {
            throw new AssertionError("the fake server received no request within 20 s");
        }
        return request;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    failures.add(e);
                }
                return;
            }
            sockets.add(socket);
            Thread.ofVirtual().name("fake-server-conn").start(() -> serve(socket));
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            Exchange exchange = new Exchange(socket);
            exchange.request = exchange.readHead();
            if (exchange.request == null) {
                return; // closed before a whole head: a test's dead attempt
            }
            requests.add(exchange.request);
            script.serve(exchange);
        } catch (Throwable e) {
            if (!closed) {
                failures.add(e);
            }
        } finally {
            sockets.remove(socket);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
