package org.wsbyhand.benchmarks.peers;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.core.server.WebSocketServerComponents;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * Peer: a Jetty 12 WebSocket server on Jetty's core (no servlets) with the Jetty WebSocket API,
 * auto-demanding listeners; binary echoes hand the received buffer back with its completion
 * callback (no copy). Usage: {@code JettyServer PORT [echo|broadcast] [tls] [deflate]} (see
 * {@link ServerArgs}): {@code tls} serves through Jetty's {@code SslContextFactory.Server} with
 * {@link BenchTls}'s context, TLS 1.3 only; Jetty negotiates permessage-deflate by default, so
 * without {@code deflate} the extension is taken out of the server's extension registry.
 */
public final class JettyServer {

    private JettyServer() {}

    public static void main(String[] args) throws Exception {
        ServerArgs options = ServerArgs.parse("JettyServer", args).withoutWindow("JettyServer");
        boolean broadcast = options.broadcast();
        Set<Session> everyone = ConcurrentHashMap.newKeySet();
        Server server = new Server();
        ServerConnector connector;
        if (options.tls()) {
            SslContextFactory.Server tls = new SslContextFactory.Server();
            tls.setSslContext(BenchTls.context("JettyServer"));
            tls.setIncludeProtocols(BenchTls.PROTOCOL);
            // Jetty checks that the Host header matches the certificate (CN=localhost) unless told not
            // to; the clients connect to 127.0.0.1 without SNI, which it would answer 400 Invalid SNI.
            HttpConfiguration https = new HttpConfiguration();
            https.addCustomizer(new SecureRequestCustomizer(false));
            connector = new ServerConnector(server, tls, new HttpConnectionFactory(https));
        } else {
            connector = new ServerConnector(server);
        }
        connector.setHost("127.0.0.1");
        connector.setPort(options.port());
        connector.setAcceptQueueSize(4096);
        server.addConnector(connector);
        if (!options.deflate()) {
            // The registry of the components WebSocketUpgradeHandler.from(server, ...) uses: an
            // extension that is not registered is never negotiated.
            WebSocketServerComponents.ensureWebSocketComponents(server).getExtensionRegistry().unregister("permessage-deflate");
        }
        server.setHandler(WebSocketUpgradeHandler.from(server, container -> {
            container.setMaxTextMessageSize(PeerLimits.MAX_MESSAGE);
            container.setMaxBinaryMessageSize(PeerLimits.MAX_MESSAGE);
            container.setMaxFrameSize(PeerLimits.MAX_MESSAGE);
            container.setIdleTimeout(Duration.ofMinutes(10));
            container.addMapping("/", (request, response, callback) ->
                    broadcast ? new Broadcast(everyone) : new Echo());
        }));
        server.start();
        System.out.println("jetty " + options.describe() + " server on " + options.scheme() + "://127.0.0.1:" + options.port());
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
