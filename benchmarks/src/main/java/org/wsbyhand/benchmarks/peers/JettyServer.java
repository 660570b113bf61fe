package org.wsbyhand.benchmarks.peers;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * Peer: a Jetty 12 WebSocket server on Jetty's core (no servlets) with the Jetty WebSocket API,
 * auto-demanding listeners; binary echoes hand the received buffer back with its completion
 * callback (no copy). Usage: {@code JettyServer PORT [echo|broadcast]}.
 */
public final class JettyServer {

    private JettyServer() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        boolean broadcast = args.length > 1 && args[1].equals("broadcast");
        Set<Session> everyone = ConcurrentHashMap.newKeySet();
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        connector.setAcceptQueueSize(4096);
        server.addConnector(connector);
        server.setHandler(WebSocketUpgradeHandler.from(server, container -> {
            container.setMaxTextMessageSize(PeerLimits.MAX_MESSAGE);
            container.setMaxBinaryMessageSize(PeerLimits.MAX_MESSAGE);
            container.setMaxFrameSize(PeerLimits.MAX_MESSAGE);
            container.setIdleTimeout(Duration.ofMinutes(10));
            container.addMapping("/", (request, response, callback) ->
                    broadcast ? new Broadcast(everyone) : new Echo());
        }));
        server.start();
        System.out.println("jetty " + (broadcast ? "broadcast" : "echo") + " server on port " + port);
    }

    /** Sends every message back on the same session. */
    public static final class Echo extends Session.Listener.AbstractAutoDemanding {
        @Override
        public void onWebSocketText(String message) {
            getSession().sendText(message, Callback.NOOP);
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            getSession().sendBinary(payload, callback);
        }
    }

    /** Sends every text message to every open session. */
    public static final class Broadcast extends Session.Listener.AbstractAutoDemanding {
        private final Set<Session> everyone;

        Broadcast(Set<Session> everyone) {
            this.everyone = everyone;
        }

        @Override
        public void onWebSocketOpen(Session session) {
            super.onWebSocketOpen(session);
            everyone.add(session);
        }

        @Override
        public void onWebSocketText(String message) {
            for (Session s : everyone) {
                s.sendText(message, Callback.NOOP);
            }
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason) {
            everyone.remove(getSession());
        }
    }
}
