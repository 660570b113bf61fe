package org.wsbyhand.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.wsbyhand.protocol.Connection;
import org.wsbyhand.protocol.Event;
import org.wsbyhand.protocol.Limits;
import org.wsbyhand.protocol.Role;
import org.wsbyhand.protocol.handshake.HandshakeException;
import org.wsbyhand.protocol.handshake.HandshakeResult;
import org.wsbyhand.protocol.handshake.HttpHeadParser;
import org.wsbyhand.protocol.handshake.ServerHandshake;

/**
 * The course's exercise done properly, on {@code ws-protocol} alone: a {@link ServerSocket}, one
 * virtual thread per connection, and an echo of every text and binary message. Unlike the course's
 * version it handles any message size, fragmentation, pings and the closing handshake, because
 * {@link Connection} does. Everything else here is plain blocking I/O.
 *
 * <pre>java org.wsbyhand.examples.HandRolledServer 9002</pre>
 */
public final class HandRolledServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(HandRolledServer.class.getName());

    /** Large enough for conformance suites, which send messages of up to 16 MiB. */
    private static final Limits LIMITS = Limits.defaults().withMaxFrameSize(16 << 20).withMaxMessageSize(16 << 20);
    private static final int HANDSHAKE_TIMEOUT_MILLIS = 10_000;
    private static final int IDLE_TIMEOUT_MILLIS = 300_000;

    private final ServerSocket serverSocket;
    private final ServerHandshake handshake = ServerHandshake.builder().build();
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    /** Binds to {@code address} (port 0 picks a free port). */
    public HandRolledServer(InetSocketAddress address) throws IOException {
        serverSocket = new ServerSocket();
        serverSocket.bind(address);
    }

    /** Runs the server until the process ends; the port is the first argument (default 9002). */
    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9002;
        try (HandRolledServer server = new HandRolledServer(new InetSocketAddress(port))) {
            LOG.log(Level.INFO, "echoing WebSocket messages on ws://localhost:{0}/", String.valueOf(server.port()));
            server.serve();
        }
    }

    /** The port the server listens on. */
    public int port() {
        return serverSocket.getLocalPort();
    }

    /** Accepts connections until {@link #close()}, each on its own virtual thread. */
    public void serve() {
        while (!serverSocket.isClosed()) {
            try {
                Socket socket = serverSocket.accept();
                threads.submit(() -> handle(socket));
            } catch (IOException e) {
                if (!serverSocket.isClosed()) {
                    LOG.log(Level.WARNING, "accept failed", e);
                }
            }
        }
    }

    /** Stops accepting and waits for the open connections' threads to finish. */
    @Override
    public void close() throws IOException {
        serverSocket.close();
        threads.close();
    }

    private void handle(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);

            // The opening handshake (RFC 6455 section 4.2): read the HTTP head, validate, answer 101.
            socket.setSoTimeout(HANDSHAKE_TIMEOUT_MILLIS);
            HttpHeadParser head = HttpHeadParser.forRequest(LIMITS);
            HandshakeResult accepted;
            try {
                buffer.flip();
                while (!head.feed(buffer)) {
                    buffer.compact();
                    if (!read(in, buffer)) {
                        return;
                    }
                    buffer.flip();
                }
                accepted = handshake.accept(head.request());
            } catch (HandshakeException e) {
                LOG.log(Level.INFO, "rejected handshake from {0}: {1} {2}",
                        socket.getRemoteSocketAddress(), e.status(), e.reason());
                out.write(e.responseBytes());
                return;
            }
            out.write(accepted.response().toBytes());
            out.flush();
            socket.setSoTimeout(IDLE_TIMEOUT_MILLIS);

            // The data transfer: the buffer still holds any frames the client sent right after its head.
            Connection connection = Connection.builder(Role.SERVER).limits(LIMITS).build();
            while (true) {
                connection.receive(buffer);
                for (Event event; (event = connection.pollEvent()) != null; ) {
                    switch (event) {
                        case Event.Text text -> connection.sendText(text.text());
                        case Event.Binary binary -> connection.sendBinary(ByteBuffer.wrap(binary.data()));
                        case Event.Ping ping -> { } // Connection queued the pong.
                        case Event.Pong pong -> { }
                        case Event.Close close -> { } // Connection queued the echoing close frame.
                        case Event.Failure failure -> // Connection queued a close frame with the violation's code.
                            LOG.log(Level.INFO, "failing connection {0}: {1}", socket.getRemoteSocketAddress(),
                                    failure.exception().getMessage());
                    }
                }
                for (ByteBuffer bytes; (bytes = connection.pollOutbound()) != null; ) {
                    write(out, bytes);
                }
                out.flush();
                if (connection.transportAction() != Connection.TransportAction.KEEP_OPEN) {
                    return; // CLOSE for a server (section 7.1.1: it closes the TCP connection first).
                }
                if (buffer.hasRemaining()) {
                    continue; // the connection paused after large messages: the rest of this read is next
                }
                buffer.clear();
                if (!read(in, buffer)) {
                    connection.transportClosed();
                    return;
                }
                buffer.flip();
            }
        } catch (SocketTimeoutException e) {
            LOG.log(Level.INFO, "dropping silent connection {0}", socket.getRemoteSocketAddress());
        } catch (SocketException e) {
            LOG.log(Level.DEBUG, "connection {0} reset: {1}", socket.getRemoteSocketAddress(), e.getMessage());
        } catch (IOException e) {
            LOG.log(Level.WARNING, "I/O error on " + socket.getRemoteSocketAddress(), e);
        }
    }

    /** Reads once into the buffer's free space; false at end of stream. */
    private static boolean read(InputStream in, ByteBuffer buffer) throws IOException {
        int n = in.read(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
        if (n < 0) {
            return false;
        }
        buffer.position(buffer.position() + n);
        return true;
    }

    private static void write(OutputStream out, ByteBuffer bytes) throws IOException {
        if (bytes.hasArray()) {
            out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
        } else {
            byte[] copy = new byte[bytes.remaining()];
            bytes.get(copy);
            out.write(copy);
        }
    }

    /** A server on a free loopback port, for tests. */
    static HandRolledServer onLoopback() throws IOException {
        return new HandRolledServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }
}
