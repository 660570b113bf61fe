package org.wsbyhand.examples;

import java.io.IOException;
import java.time.Duration;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.WebSocketHandler;
import org.wsbyhand.server.ServerBuilder;
import org.wsbyhand.server.WebSocketServer;

/**
 * Echoes every text and binary message back to its sender, on every path ({@code /}). Limits are
 * large enough for conformance suites such as Autobahn: 16 MiB frames and messages, in fragments
 * of 64 bytes or more.
 *
 * <p>Run: {@code java org.wsbyhand.examples.EchoServer [port]} (default 9001), then connect to
 * {@code ws://localhost:9001/}.
 */
public final class EchoServer {
    /** 16 MiB. */
    static final int MAX_MESSAGE = 16 << 20;

    private EchoServer() {}

    /** An echo server on {@code bindAddress:port}, not yet started. */
    public static WebSocketServer create(String bindAddress, int port) {
        return create(bindAddress, port, 15);
    }

    /**
     * An echo server on {@code bindAddress:port} that compresses within a window of
     * {@code compressionWindowBits} (8-15; see {@code ServerBuilder#compressionWindowBits}),
     * not yet started.
     */
    public static WebSocketServer create(String bindAddress, int port, int compressionWindowBits) {
        return builder(bindAddress, port).compressionWindowBits(compressionWindowBits).build();
    }

    /**
     * The settings of {@link #create(String, int)}, not yet built, for a caller that changes some of
     * them (TLS, compression off, a connection limit) and keeps the rest.
     *
     * @param bindAddress the address to listen on
     * @param port the TCP port, or 0 for an ephemeral one
     * @return a builder with this echo server's route, limits and timeouts
     */
    public static ServerBuilder builder(String bindAddress, int port) {
        WebSocketHandler echo = new WebSocketHandler() {
            @Override
            public void onText(Session session, String text) {
                session.sendText(text);
            }

            @Override
            public void onBinary(Session session, byte[] data) {
                session.sendBinary(data);
            }
        };
        return WebSocketServer.builder()
                .bindAddress(bindAddress)
                .port(port)
                .route("/", echo)
                // A whole message in 64-byte fragments, the smallest Autobahn sends (case 9.3.1).
                .limits(org.wsbyhand.protocol.Limits.defaults().withMaxFrameSize(MAX_MESSAGE)
                        .withMaxMessageSize(MAX_MESSAGE).withMaxFragments(MAX_MESSAGE / 64))
                // Room for two whole echoes in flight to a client that reads slowly.
                .maxOutboundBytes(2L * MAX_MESSAGE + 1024)
                .idleTimeout(Duration.ofMinutes(10));
    }

    /** Starts the server on the port given as first argument (default 9001) until the process ends. */
    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9001;
        WebSocketServer server = create("0.0.0.0", port);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        server.start();
        System.out.println("echo server on ws://localhost:" + server.port() + "/");
    }
}
