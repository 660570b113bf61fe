package org.wsbyhand.server;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A deliberately small WebSocket client on a plain socket, written in the test from RFC 6455, so
 * tests can send exactly the bytes they want (malformed requests, unmasked frames) and read the
 * server's answer byte for byte. Every read has a timeout.
 */
final class RawClient implements AutoCloseable {
    static final int READ_TIMEOUT_MILLIS = 10_000;

    /** A frame as read from the server. */
    record Frame(boolean fin, int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        int closeCode() {
            return payload.length >= 2 ? (payload[0] & 0xFF) << 8 | payload[1] & 0xFF : 1005;
        }
    }

    final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawClient(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        this.in = new java.io.BufferedInputStream(socket.getInputStream(), 1024);
        this.out = socket.getOutputStream();
    }

    /** A client over a socket the caller connected (with its own options). */
    static RawClient over(Socket socket) throws IOException {
        return new RawClient(socket);
    }

    static RawClient connect(int port) throws IOException {
        return new RawClient(new Socket("127.0.0.1", port));
    }

    /** A client that completed the opening handshake on {@code path}. */
    static RawClient open(int port, String path) throws IOException {
        RawClient client = connect(port);
        String head = client.request(upgradeRequest(path, newKey()));
        if (!head.startsWith("HTTP/1.1 101")) {
            client.close();
            throw new IOException("upgrade refused: " + head);
        }
        return client;
    }

    /** {@code count} clients that completed the opening handshake on {@code path}, a few hundred at a time. */
    static List<RawClient> openAll(int port, String path, int count) throws Exception {
        Semaphore inFlight = new Semaphore(200);
        List<Future<RawClient>> futures = new ArrayList<>(count);
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < count; i++) {
                futures.add(executor.submit(() -> {
                    inFlight.acquire();
                    try {
                        return open(port, path);
                    } finally {
                        inFlight.release();
                    }
                }));
            }
        }
        List<RawClient> clients = new ArrayList<>(count);
        for (Future<RawClient> future : futures) {
            clients.add(future.get());
        }
        return clients;
    }

    static String newKey() {
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** A valid opening handshake request with optional extra header lines (each ending in CRLF). */
    static String upgradeRequest(String path, String key, String... extraHeaders) {
        StringBuilder request = new StringBuilder()
                .append("GET ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1\r\n")
                .append("Upgrade: websocket\r\n")
                .append("Connection: Upgrade\r\n")
                .append("Sec-WebSocket-Key: ").append(key).append("\r\n")
                .append("Sec-WebSocket-Version: 13\r\n");
        for (String header : extraHeaders) {
            request.append(header);
        }
        return request.append("\r\n").toString();
    }

    /** Sends raw request bytes and returns the response head (status line and headers). */
    String request(String request) throws IOException {
        sendRaw(request.getBytes(StandardCharsets.ISO_8859_1));
        return readHead();
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads up to and including CRLF CRLF, returning the head without it. */
    String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed in the response head: " + head);
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        return text.substring(0, text.length() - 4);
    }

    /** The status code of a response head. */
    static int status(String head) {
        return Integer.parseInt(head.substring(9, 12));
    }

    /** Reads everything until the server closes, returning it (the body of a response). */
    byte[] readToEnd() throws IOException {
        return in.readAllBytes();
    }

    /** Sends one frame, masked with a random key unless {@code masked} is false. */
    void sendFrame(boolean fin, int opcode, byte[] payload, boolean masked) throws IOException {
        sendRaw(encode(fin, opcode, payload, masked));
    }

    void sendText(String text) throws IOException {
        sendFrame(true, 0x1, text.getBytes(StandardCharsets.UTF_8), true);
    }

    void sendClose(int code, String reason) throws IOException {
        byte[] utf8 = reason.getBytes(StandardCharsets.UTF_8);
        ByteBuffer payload = ByteBuffer.allocate(2 + utf8.length).putShort((short) code).put(utf8);
        sendFrame(true, 0x8, payload.array(), true);
    }

    static byte[] encode(boolean fin, int opcode, byte[] payload, boolean masked) {
        return encode(fin, 0, opcode, payload, masked);
    }

    /** A frame with reserved bits {@code rsv} (0-7; RSV1 is 4, permessage-deflate's "compressed"). */
    static byte[] encode(boolean fin, int rsv, int opcode, byte[] payload, boolean masked) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write((fin ? 0x80 : 0) | rsv << 4 | opcode);
        int maskBit = masked ? 0x80 : 0;
        if (payload.length <= 125) {
            frame.write(maskBit | payload.length);
        } else if (payload.length <= 0xFFFF) {
            frame.write(maskBit | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xFF);
        } else {
            frame.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift) & 0xFF);
            }
        }
        if (masked) {
            byte[] key = new byte[4];
            ThreadLocalRandom.current().nextBytes(key);
            frame.write(key, 0, 4);
            byte[] masked2 = payload.clone();
            for (int i = 0; i < masked2.length; i++) {
                masked2[i] ^= key[i & 3];
            }
            frame.write(masked2, 0, masked2.length);
        } else {
            frame.write(payload, 0, payload.length);
        }
        return frame.toByteArray();
    }

    /** Reads one server frame; fails if the server masked it (RFC 6455 5.1). */
    Frame readFrame() throws IOException {
        int b0 = readByte();
        int b1 = readByte();
        if ((b1 & 0x80) != 0) {
            throw new IOException("server frame is masked");
        }
        long length = b1 & 0x7F;
        if (length == 126) {
            length = (long) readByte() << 8 | readByte();
        } else if (length == 127) {
            length = 0;
            for (int i = 0; i < 8; i++) {
                length = length << 8 | readByte();
            }
        }
        byte[] payload = in.readNBytes((int) length);
        if (payload.length != length) {
            throw new EOFException("connection closed in a frame payload");
        }
        return new Frame((b0 & 0x80) != 0, b0 & 0x0F, payload);
    }

    /** Reads frames until a close frame, skipping pings and data; returns the close frame. */
    Frame readUntilClose() throws IOException {
        while (true) {
            Frame frame = readFrame();
            if (frame.opcode() == 0x8) {
                return frame;
            }
        }
    }

    /** True when the server has closed the TCP connection (EOF or reset) before the next byte. */
    boolean serverClosed() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketException e) {
            return true;
        }
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("connection closed");
        }
        return b;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
