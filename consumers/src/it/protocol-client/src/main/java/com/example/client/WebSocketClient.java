package com.example.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.protocol.Connection;
import org.wsbyhand.protocol.Event;
import org.wsbyhand.protocol.Limits;
import org.wsbyhand.protocol.handshake.ClientHandshake;
import org.wsbyhand.protocol.handshake.HandshakeException;
import org.wsbyhand.protocol.handshake.HttpHeadParser;

/**
 * A blocking WebSocket client on ws-protocol alone: one java.net.Socket, the protocol's client
 * role. Not thread-safe: one thread sends and receives.
 */
public final class WebSocketClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Connection connection = Connection.client(); // masks every frame it sends
    private final ByteBuffer buffer;                                    // read from the socket, not yet decoded

    private WebSocketClient(Socket socket, ByteBuffer buffer) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.buffer = buffer;
    }

    /** Opens ws://host:port/path: sends the opening handshake and checks the server's 101. */
    public static WebSocketClient connect(String host, int port, String path) throws IOException, HandshakeException {
        Socket socket = new Socket(host, port);
        try {
            socket.setSoTimeout(10_000);
            ClientHandshake handshake = ClientHandshake.builder(host).port(port).resource(path).build();
            socket.getOutputStream().write(handshake.request().toBytes());

            HttpHeadParser head = HttpHeadParser.forResponse(Limits.defaults());
            ByteBuffer buffer = ByteBuffer.allocate(16 * 1024).flip();
            while (!head.feed(buffer)) {
                if (!read(socket.getInputStream(), buffer)) {
                    throw new IOException("connection closed during the handshake");
                }
            }
            handshake.validate(head.response()); // 101, Upgrade, Connection, Sec-WebSocket-Accept
            // The buffer still holds whatever the server sent right behind its 101: frames.
            return new WebSocketClient(socket, buffer);
        } catch (IOException | HandshakeException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Sends a text message. */
    public void sendText(String text) throws IOException {
        connection.sendText(text);
        flush();
    }

    /**
     * Waits for the next text message; null once the connection is closed (see
     * {@link #closeCode()}). Pings are answered and binary messages skipped on the way.
     */
    public String receiveText() throws IOException {
        while (true) {
            for (Event event; (event = connection.pollEvent()) != null; ) {
                switch (event) {
                    case Event.Text text -> {
                        flush();
                        return text.text();
                    }
                    case Event.Binary binary -> { }  // not expected here
                    case Event.Ping ping -> { }      // the connection queued the pong
                    case Event.Pong pong -> { }
                    case Event.Close close -> { }    // the connection queued the echoing close frame
                    case Event.Failure failure -> { } // the server broke the protocol: a close frame with
                                                      // failure.closeCode() is queued
                }
            }
            flush();
            if (connection.transportAction() != Connection.TransportAction.KEEP_OPEN) {
                // Closed: close frames went both ways, or the stream ended. RFC 6455 7.1.1 lets a
                // client close now (AWAIT_SERVER_CLOSE would wait for the server to close first).
                socket.close();
                return null;
            }
            decodeMore();
        }
    }

    /** Starts the closing handshake and waits for the server's close frame (or the end of the stream). */
    @Override
    public void close() throws IOException {
        try {
            connection.close(CloseCode.NORMAL_CLOSURE, "");
            flush();
            while (receiveText() != null) {
                // Messages the server sent before it saw our close are not delivered any more; keep reading.
            }
        } finally {
            socket.close();
        }
    }

    /** The close code once closed: the server's, or 1006 when the connection just ended. */
    public CloseCode closeCode() {
        return connection.closeCode();
    }

    /** Decodes what is left in the buffer, or reads more from the socket first. */
    private void decodeMore() throws IOException {
        if (!buffer.hasRemaining()) {
            if (!read(in, buffer)) {
                connection.transportClosed();
                return;
            }
        }
        connection.receive(buffer); // may stop early when many messages wait: the loop comes back
    }

    /** Writes what the connection queued. Its buffers may be heap or direct. */
    private void flush() throws IOException {
        for (ByteBuffer bytes; (bytes = connection.pollOutbound()) != null; ) {
            if (bytes.hasArray()) {
                out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
            } else {
                byte[] copy = new byte[bytes.remaining()];
                bytes.get(copy);
                out.write(copy);
            }
        }
        out.flush();
    }

    /** Appends one socket read to the buffer's unread bytes; false at the end of the stream. */
    private static boolean read(InputStream in, ByteBuffer buffer) throws IOException {
        buffer.compact();
        try {
            int n = in.read(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
            if (n < 0) {
                return false;
            }
            buffer.position(buffer.position() + n);
            return true;
        } finally {
            buffer.flip();
        }
    }

    /** Sends each argument to ws://localhost:8080/echo and prints the answers. */
    public static void main(String[] args) throws Exception {
        try (WebSocketClient client = connect("localhost", 8080, "/echo")) {
            for (String arg : args) {
                client.sendText(arg);
                System.out.println(client.receiveText());
            }
        }
    }
}
