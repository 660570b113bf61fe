package org.wsbyhand.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.protocol.Connection;
import org.wsbyhand.protocol.Event;
import org.wsbyhand.protocol.Limits;
import org.wsbyhand.protocol.handshake.ClientHandshake;
import org.wsbyhand.protocol.handshake.HandshakeException;
import org.wsbyhand.protocol.handshake.HttpHeadParser;

/**
 * The client side of the course's exercise, on {@code ws-protocol} alone, as
 * {@link HandRolledServer} is the server side: a plain {@link Socket}, the opening handshake sent
 * and checked by hand, and a {@link Connection} in the client role, which masks every frame it
 * sends, answers pings, reassembles fragmented messages and runs the closing handshake.
 *
 * <p>As a program it is a line chat client: every line typed is sent as a text message, every
 * message received is printed, and a line {@code /quit} or the end of input (Ctrl-D) starts the
 * closing handshake (replies still on their way then are dropped, as RFC 6455 has it once this
 * side sent its close).
 *
 * <pre>java org.wsbyhand.examples.HandRolledClient ws://localhost:9003/</pre>
 *
 * <p>One thread may {@link #receive()} while others send: the connection and the socket's output
 * are used under one lock, the blocking socket read happens outside it.
 */
public final class HandRolledClient implements AutoCloseable {

    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    private static final int HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Connection connection = Connection.client();
    private final Object lock = new Object();
    /** Bytes read from the socket and not yet decoded; used by the receiving thread only. */
    private final ByteBuffer buffer;

    private HandRolledClient(Socket socket, ByteBuffer buffer) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.buffer = buffer;
    }

    /**
     * Connects to a {@code ws://} URI: opens the socket, sends the opening handshake (RFC 6455
     * 4.1) and checks the server's answer.
     *
     * @throws HandshakeException if the server did not answer with a valid 101 (its status says why, e.g. 404)
     */
    public static HandRolledClient connect(URI uri) throws IOException, HandshakeException {
        if (!"ws".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("not a ws://host[:port]/path URI: " + uri);
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String resource = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        ClientHandshake.Builder request = ClientHandshake.builder(uri.getHost()).resource(resource);
        if (uri.getPort() >= 0) {
            request.port(uri.getPort());
        }
        ClientHandshake handshake = request.build();

        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 80 : uri.getPort()),
                    CONNECT_TIMEOUT_MILLIS);
            socket.setSoTimeout(HANDSHAKE_TIMEOUT_MILLIS);
            socket.getOutputStream().write(handshake.request().toBytes());
            socket.getOutputStream().flush();

            // The response head, in whatever pieces it arrives; HttpHeadParser stops right after it.
            HttpHeadParser head = HttpHeadParser.forResponse(Limits.defaults());
            ByteBuffer buffer = ByteBuffer.allocate(16 * 1024).flip();
            while (!head.feed(buffer)) {
                if (!read(socket.getInputStream(), buffer)) {
                    throw new IOException("the server closed the connection during the handshake");
                }
            }
            handshake.validate(head.response());
            socket.setSoTimeout(0); // from now on, wait for messages as long as it takes
            // Whatever followed the head in the same read is the server's first frames: keep it.
            return new HandRolledClient(socket, buffer);
        } catch (IOException | HandshakeException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Sends a text message; false if the connection is no longer open. */
    public boolean sendText(String text) throws IOException {
        synchronized (lock) {
            if (!connection.isOpen()) {
                return false;
            }
            connection.sendText(text);
            flush();
            return true;
        }
    }

    /** Sends a binary message; false if the connection is no longer open. */
    public boolean sendBinary(byte[] data) throws IOException {
        synchronized (lock) {
            if (!connection.isOpen()) {
                return false;
            }
            connection.sendBinary(ByteBuffer.wrap(data));
            flush();
            return true;
        }
    }

    /**
     * Starts the closing handshake with 1000 (may be called from any thread); the thread in
     * {@link #receive()} gets null once the server answered it.
     */
    public void startClose() throws IOException {
        synchronized (lock) {
            connection.close(CloseCode.NORMAL_CLOSURE, "");
            flush();
        }
    }

    /**
     * Waits for the next message: an {@link Event.Text} or an {@link Event.Binary}; null once the
     * connection is closed (see {@link #closeCode()}). Pings are answered on the way. One
     * receiving thread at a time.
     */
    public Event receive() throws IOException {
        while (true) {
            synchronized (lock) {
                for (Event event; (event = connection.pollEvent()) != null; ) {
                    switch (event) {
                        case Event.Text text -> {
                            flush();
                            return text;
                        }
                        case Event.Binary binary -> {
                            flush();
                            return binary;
                        }
                        case Event.Ping ping -> { } // the connection queued the pong
                        case Event.Pong pong -> { }
                        case Event.Close close -> { } // and the echoing close frame, unless we sent ours first
                        case Event.Failure failure -> // the server broke a rule: a close frame with its code is queued
                            System.getLogger(HandRolledClient.class.getName()).log(System.Logger.Level.INFO,
                                    "the server broke the protocol: {0}", failure.exception().getMessage());
                    }
                }
                flush();
                if (connection.state() == Connection.State.CLOSED) {
                    socket.close();
                    return null;
                }
                if (buffer.hasRemaining()) {
                    decode(); // receive() paused after large messages: the rest of the last read is next
                    continue;
                }
            }
            boolean more = read(in, buffer); // blocks, outside the lock: others may send meanwhile
            synchronized (lock) {
                if (more) {
                    decode();
                } else {
                    connection.transportClosed(); // no close handshake: 1006
                }
            }
        }
    }

    /** The close code once closed: the server's (1005 if it gave none), ours on a violation, or 1006. */
    public CloseCode closeCode() {
        synchronized (lock) {
            return connection.closeCode();
        }
    }

    /** Closes with 1000 and waits for the server's close frame. Not while another thread is in {@link #receive()}. */
    @Override
    public void close() throws IOException {
        try {
            startClose();
            while (receive() != null) {
                // Messages the server sent before it saw our close are read and dropped.
            }
        } finally {
            socket.close();
        }
    }

    private void decode() {
        connection.receive(buffer); // a violation by the server comes out of pollEvent as Event.Failure
    }

    /** Writes what the connection queued; its buffers may be heap or direct. */
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

    /** Appends one socket read to the buffer's unread bytes (the buffer is left flipped); false at end of stream. */
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

    /**
     * The line chat: sends every line of {@code typed} as a text message from a virtual thread,
     * prints every message received to {@code printed}, starts the closing handshake at a line
     * {@code /quit} or the end of {@code typed}, and returns the close code once the connection is closed.
     */
    static CloseCode chat(URI uri, InputStream typed, PrintStream printed) throws IOException, HandshakeException {
        HandRolledClient client = connect(uri);
        printed.println("connected to " + uri + "; type messages, end with /quit or Ctrl-D");
        Thread sender = Thread.ofVirtual().start(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(typed, StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null && !line.equals("/quit") && client.sendText(line); ) {
                    // sent
                }
                client.startClose();
            } catch (IOException e) {
                printed.println("sending failed: " + e.getMessage());
            }
        });
        try {
            for (Event message; (message = client.receive()) != null; ) {
                switch (message) {
                    case Event.Text text -> printed.println(text.text());
                    case Event.Binary binary -> printed.println("[" + binary.data().length + " bytes of binary]");
                    default -> { }
                }
            }
        } finally {
            client.socket.close();
        }
        printed.println("closed: " + client.closeCode());
        sender.interrupt(); // a sender still waiting for input is a daemon: it does not keep the JVM alive
        return client.closeCode();
    }

    /**
     * Runs the line chat against the first argument: a {@code ws://} URI, or just a port on
     * localhost (default ws://localhost:9003/, where the README runs {@link HandRolledServer}).
     */
    public static void main(String[] args) throws IOException {
        String target = args.length > 0 ? args[0] : "9003";
        URI uri = URI.create(target.matches("\\d+") ? "ws://localhost:" + target + "/" : target);
        try {
            chat(uri, System.in, System.out);
        } catch (HandshakeException e) {
            System.err.println("handshake failed: " + e.getMessage());
            System.exit(1);
        }
    }
}
