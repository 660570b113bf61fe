package org.wsbyhand.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.protocol.Connection;
import org.wsbyhand.protocol.Role;
import org.wsbyhand.protocol.deflate.PerMessageDeflate;
import org.wsbyhand.session.WebSocketHandler;
import org.wsbyhand.session.core.CoreSession;
import org.wsbyhand.session.core.Outbound;
import org.wsbyhand.session.core.SessionBudget;
import org.wsbyhand.session.core.SessionClock;
import org.wsbyhand.session.core.SessionLock;
import org.wsbyhand.session.core.SessionLoop;
import org.wsbyhand.session.core.Termination;

/**
 * One open client session: put together from an accepted handshake and run by a
 * {@link SessionLoop} on a virtual thread of its own, which calls the handler in order.
 */
final class ClientConnection {
    private static final Logger log = LoggerFactory.getLogger(ClientConnection.class);

    private final WebSocketClient client;
    private final Socket socket;
    private final SessionLoop loop;
    private final byte[] leftover;
    private final String name;

    ClientConnection(WebSocketClient client, Socket socket, ClientRequest request, Upgrader.Upgraded upgraded,
            WebSocketHandler handler, long id) throws IOException {
        ClientConfig config = client.config();
        this.client = client;
        this.socket = socket;
        this.leftover = upgraded.leftover();
        this.name = "client-" + id;
        PerMessageDeflate deflate = upgraded.deflate() == null ? null
                : new PerMessageDeflate(Role.CLIENT, upgraded.deflate(), config.compression().orElseThrow());
        SessionBudget budget = SessionBudget.unlimited();
        Connection connection = Connection.builder(Role.CLIENT).limits(config.limits()).deflate(deflate)
                .memoryBudget(budget).build();
        ClientTransport transport = new ClientTransport(socket);
        SessionLock lock = new SessionLock();
        Termination termination = new Termination();
        SessionClock clock = new SessionClock(System::nanoTime, new SessionClock.Timeouts(config.pingInterval(),
                config.pongTimeout(), config.idleTimeout(), config.closeTimeout()));
        Outbound outbound = new Outbound(lock, connection, transport, client.counters(), budget, termination, clock,
                config.maxOutboundBytes(), config.overflowPolicy(), name, deflate);
        // The peer the socket is connected to (through a proxy: the proxy), without another name lookup.
        InetSocketAddress remote = (InetSocketAddress) socket.getRemoteSocketAddress();
        ClientUpgradeRequest sent = new ClientUpgradeRequest(request.uri(), upgraded.handshake().request(),
                request.subprotocols(), remote);
        CoreSession session = new CoreSession(new CoreSession.Identity(name, sent, upgraded.result().subprotocol(),
                remote), lock, connection, outbound, deflate);
        session.attribute(WebSocketClient.HANDSHAKE_RESPONSE, upgraded.result().response());
        session.opener(client);
        this.loop = new SessionLoop(session, transport, handler, clock, termination, client.counters(), budget,
                () -> client.ended(this), config.closeTimeout().toNanos());
    }

    /** Runs the session on a new virtual thread. */
    void start() {
        Thread.ofVirtual().name("ws-" + name).start(this::run);
    }

    private void run() {
        try {
            loop.start(leftover);
        } catch (RuntimeException | Error e) {
            log.error("session {}: unexpected failure", name, e);
        } finally {
            abort();
            client.ended(this);
        }
    }

    CoreSession session() {
        return loop.session();
    }

    /** The client's timer thread: the session's heartbeat, idle and close deadlines. */
    void checkTimers(long now) {
        loop.checkTimers(now);
    }

    /** Closes the session with 1001, as a client that goes away. */
    void goingAway() {
        session().close(CloseCode.GOING_AWAY, "client closing");
    }

    void abort() {
        try {
            socket.close();
        } catch (IOException e) {
            log.debug("session {}: close failed: {}", name, e.toString());
        }
    }

    String name() {
        return name;
    }
}
