package org.wsbyhand.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.ExtensionConfig;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * The Jetty peer of {@link PeerServer}, in this JVM: a Jetty 12 core server (no servlets) with the
 * Jetty WebSocket API, on 127.0.0.1 and an ephemeral port, with Jetty's default extensions (it
 * agrees to permessage-deflate when the client offers it). It speaks the protocol every peer speaks
 * (see {@link PeerServer}).
 */
@SuppressWarnings("exports") // Echo extends Jetty's listener, which is on the class path, not a module
public final class JettyPeer extends PeerServer {
    private static final int MAX_MESSAGE = 64 << 20;

    private final Map<String, String> closes = new ConcurrentHashMap<>();
    private final Server server;
    private final ServerConnector connector;

    JettyPeer() throws Exception {
        super("Jetty 12.1.12");
        QueuedThreadPool threads = new QueuedThreadPool(32, 4);
        threads.setName("jetty-peer");
        server = new Server(threads);
        connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(WebSocketUpgradeHandler.from(server, container -> {
            container.setMaxTextMessageSize(MAX_MESSAGE);
            container.setMaxBinaryMessageSize(MAX_MESSAGE);
            container.setMaxFrameSize(MAX_MESSAGE);
            container.setIdleTimeout(Duration.ofMinutes(10));
            container.addMapping("/", (request, response, callback) -> new Echo(closes, idOf(request.getHttpURI().getQuery())));
        }));
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
    }

    private static String idOf(String query) {
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.startsWith("id=")) {
                    return pair.substring(3);
                }
            }
        }
        return null;
    }

    @Override
    int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        server.setStopTimeout(5_000);
        try {
            server.stop();
        } catch (Exception e) {
            throw new IOException("Jetty did not stop", e);
        }
    }

    /**
     * Echoes data messages and carries out the peer protocol's commands. Public, static and in a
     * public class: Jetty calls the listener's methods through a public method-handle lookup.
     */
    public static final class Echo extends Session.Listener.AbstractAutoDemanding {
        private final Map<String, String> closes;
        private final String id;

        Echo(Map<String, String> closes, String id) {
            this.closes = closes;
            this.id = id;
        }

        @Override
        public void onWebSocketText(String text) {
            Session session = getSession();
            if (!PeerServer.isCommand(text)) {
                session.sendText(text, Callback.NOOP);
            } else if (text.startsWith("close:")) {
                String[] parts = text.split(":", 3);
                session.close(Integer.parseInt(parts[1]), parts[2], Callback.NOOP);
            } else if (text.startsWith("ping:")) {
                session.sendPing(ByteBuffer.wrap(text.substring(5).getBytes(StandardCharsets.UTF_8)), Callback.NOOP);
            } else if (text.startsWith("fragments:")) {
                String[] parts = text.split(":", 3);
                List<String> pieces = PeerServer.pieces(parts[2], Integer.parseInt(parts[1]));
                // Each fragment goes out once the one before it is sent.
                Callback.Completable sent = Callback.Completable.with(c -> session.sendPartialText(pieces.get(0), pieces.size() == 1, c));
                for (int i = 1; i < pieces.size(); i++) {
                    String piece = pieces.get(i);
                    boolean last = i == pieces.size() - 1;
                    sent = sent.compose(c -> session.sendPartialText(piece, last, c));
                }
            } else if (text.equals("extensions?")) {
                // The header is not among the upgrade response's headers; the agreed extensions are.
                String agreed = session.getUpgradeResponse().getExtensions().stream()
                        .map(ExtensionConfig::getParameterizedName).collect(Collectors.joining(", "));
                session.sendText("extensions:" + agreed, Callback.NOOP);
            } else if (text.startsWith("closed?")) {
                String asked = text.substring(7);
                session.sendText("closed:" + asked + ":" + closes.getOrDefault(asked, ""), Callback.NOOP);
            }
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            getSession().sendBinary(payload, callback);
        }

        @Override
        public void onWebSocketPong(ByteBuffer payload) {
            getSession().sendText("pong:" + StandardCharsets.UTF_8.decode(payload), Callback.NOOP);
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason, Callback callback) {
            if (id != null) {
                closes.put(id, statusCode + ":" + (reason == null ? "" : reason));
            }
            callback.succeed();
        }
    }
}
