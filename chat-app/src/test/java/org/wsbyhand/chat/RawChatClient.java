package org.wsbyhand.chat;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A minimal WebSocket client on a plain socket for the attack tests, written here from RFC 6455: it
 * can connect from a chosen loopback address, and it reads only when told to, so it can play a
 * client that completes the handshake and then never reads. Every blocking read has a timeout.
 */
final class RawChatClient implements AutoCloseable {

    static final int TIMEOUT_MILLIS = 10_000;
    /** 127.0.0.1, where the apps under test listen. */
    static final InetAddress LOCALHOST = ipv4(127, 0, 0, 1);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    /** Frames go out whole: a post and the answer to a ping may be sent from two threads. */
    private final ReentrantLock writeLock = new ReentrantLock();

    private RawChatClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 4096);
        this.out = socket.getOutputStream();
    }

    /**
     * Connects to 127.0.0.1:{@code port} from {@code from} (null: any local address) and completes
     * the opening handshake offering {@code subprotocol}. Reads nothing after the 101 response.
     */
    static RawChatClient open(int port, String subprotocol, InetAddress from) throws IOException {
        Socket socket = new Socket();
        try {
            if (from != null) {
                socket.bind(new InetSocketAddress(from, 0));
            }
            socket.connect(new InetSocketAddress(LOCALHOST, port), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            RawChatClient client = new RawChatClient(socket);
            client.handshake(port, subprotocol);
            return client;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private void handshake(int port, String subprotocol) throws IOException {
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        String request = "GET / HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: " + subprotocol + "\r\n"
                + "\r\n";
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        StringBuilder head = new StringBuilder();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed during the handshake: " + head);
            }
            head.append((char) b);
            boolean next = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3));
            matched = next ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            throw new IOException("upgrade refused: " + head.toString().strip());
        }
    }

    /** Sends a chat.v2 post. */
    void post(String user, String text) throws IOException {
        var post = Json.object();
        post.put("type", "post").put("user", user).put("text", text);
        sendFrame(0x1, Json.write(post).getBytes(StandardCharsets.UTF_8));
    }

    /** Sends one masked, final frame. */
    private void sendFrame(int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write(0x80 | opcode);
        if (payload.length <= 125) {
            frame.write(0x80 | payload.length);
        } else if (payload.length <= 0xFFFF) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xFF);
        } else {
            throw new IllegalArgumentException("the tests send small frames only");
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.write(mask, 0, 4);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i & 3]);
        }
        writeLock.lock();
        try {
            out.write(frame.toByteArray());
            out.flush();
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * The next text message, answering pings on the way; null when the server closed the
     * connection. Waits at most {@link #TIMEOUT_MILLIS} for each read.
     */
    String nextText() throws IOException {
        while (true) {
            int b0 = in.read();
            if (b0 < 0) {
                return null;
            }
            int b1 = read();
            long length = b1 & 0x7F;
            if (length == 126) {
                length = (read() << 8) | read();
            } else if (length == 127) {
                length = 0;
                for (int i = 0; i < 8; i++) {
                    length = (length << 8) | read();
                }
            }
            byte[] payload = in.readNBytes(Math.toIntExact(length));
            if (payload.length < length) {
                return null;
            }
            int opcode = b0 & 0x0F;
            boolean fin = (b0 & 0x80) != 0;
            switch (opcode) {
                case 0x8 -> {
                    return null;
                }
                case 0x9 -> sendFrame(0xA, payload);
                case 0x1, 0x0 -> {
                    partial.write(payload);
                    if (fin) {
                        String text = partial.toString(StandardCharsets.UTF_8);
                        partial.reset();
                        return text;
                    }
                }
                default -> {
                    // pongs and binary messages are not expected from the chat; skipped
                }
            }
        }
    }

    /**
     * Reads on a new virtual thread until the connection ends, handing each text message to
     * {@code sink}. For clients that read everything they are sent.
     */
    Thread readInBackground(Consumer<String> sink) {
        return Thread.ofVirtual().name("raw-chat-reader").start(() -> {
            try {
                socket.setSoTimeout(0); // the test decides when to stop, by closing the socket
                String text;
                while ((text = nextText()) != null) {
                    sink.accept(text);
                }
            } catch (IOException e) {
                // closed by the test or the server
            }
        });
    }

    private int read() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("connection closed inside a frame");
        }
        return b;
    }

    /** An IPv4 address from its four numbers. */
    static InetAddress ipv4(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Drops the connection at once (TCP reset), without a closing handshake. */
    @Override
    public void close() {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException e) {
            // already gone
        }
    }
}
