package org.wsbyhand.examples;

import java.io.IOException;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.SessionGroup;
import org.wsbyhand.session.WebSocketHandler;
import org.wsbyhand.server.ServerBuilder;
import org.wsbyhand.server.WebSocketServer;

/**
 * Sends every text message to every connected client, the sender included, through one
 * {@link SessionGroup}. Each message is encoded into a frame once and the same bytes are queued for
 * every session; a client that stops reading is closed when its queue is full, and never slows the others.
 *
 * <p>Run: {@code java org.wsbyhand.examples.BroadcastServer [port]} (default 9002), then connect
 * several clients to {@code ws://localhost:9002/}.
 */
public final class BroadcastServer implements WebSocketHandler {
    private final SessionGroup everyone = new SessionGroup("everyone");

    /** A broadcast server on {@code bindAddress:port}, not yet started. */
    public static WebSocketServer create(String bindAddress, int port) {
        return builder(bindAddress, port).build();
    }

    /**
     * The settings of {@link #create(String, int)}, not yet built, for a caller that changes some of
     * them (TLS, compression off, a connection limit) and keeps the rest.
     *
     * @param bindAddress the address to listen on
     * @param port the TCP port, or 0 for an ephemeral one
     * @return a builder with one broadcast route on {@code /}
     */
    public static ServerBuilder builder(String bindAddress, int port) {
        return WebSocketServer.builder().bindAddress(bindAddress).port(port).route("/", new BroadcastServer());
    }

    @Override
    public void onOpen(Session session) {
        everyone.add(session); // and it leaves by itself when it closes
    }

    @Override
    public void onText(Session session, String text) {
        everyone.broadcast(text);
    }

    /** Starts the server on the port given as first argument (default 9002) until the process ends. */
    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9002;
        WebSocketServer server = create("0.0.0.0", port);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        server.start();
        System.out.println("broadcast server on ws://localhost:" + server.port() + "/");
    }
}
