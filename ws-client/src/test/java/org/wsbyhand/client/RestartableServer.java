package org.wsbyhand.client;

import java.io.IOException;
import java.net.BindException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.server.WebSocketServer;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.WebSocketHandler;

/**
 * Our server on 127.0.0.1 with an echo route, that can be stopped and started again on the same
 * port, for tests of reconnecting clients. It lists, in order, the query of every session it
 * opened and the close code of every session that ended. {@code close:CODE:reason} makes it close
 * the session.
 */
final class RestartableServer implements AutoCloseable {
    /** How long a restart tries to bind the port again (it is normally free at once: SO_REUSEADDR). */
    private static final long BIND_RETRY_NANOS = TimeUnit.SECONDS.toNanos(20);

    final List<String> opened = new CopyOnWriteArrayList<>();
    final List<CloseCode> closed = new CopyOnWriteArrayList<>();
    private final WebSocketHandler echo = new WebSocketHandler() {
        @Override
        public void onOpen(Session session) {
            opened.add(session.request().query());
        }

        @Override
        public void onText(Session session, String text) {
            if (text.startsWith("close:")) {
                session.close(CloseCode.of(Integer.parseInt(text.substring(6, 10))), text.substring(11));
            } else {
                session.sendText(text);
            }
        }

        @Override
        public void onClose(Session session, CloseCode code, String reason) {
            closed.add(code);
        }
    };
    private WebSocketServer server;
    private final int port;

    RestartableServer() throws IOException {
        server = build(0);
        server.start();
        port = server.port();
    }

    private WebSocketServer build(int onPort) {
        return WebSocketServer.builder().bindAddress("127.0.0.1").port(onPort).route("/echo", echo).build();
    }

    /** The echo route, with a query for the server's list. */
    URI echo(String query) {
        return URI.create("ws://127.0.0.1:" + port + "/echo?" + query);
    }

    /** A path the server answers 404. */
    URI missing() {
        return URI.create("ws://127.0.0.1:" + port + "/missing");
    }

    /** Stops listening and closes every session with 1001 (the server's graceful shutdown). */
    void stop() {
        server.close();
    }

    /** Listens on the same port again; retries binding for a bounded time should the port still be taken. */
    void restart() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + BIND_RETRY_NANOS;
        while (true) {
            WebSocketServer next = build(port);
            try {
                next.start();
                server = next;
                return;
            } catch (BindException e) {
                next.close();
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("port " + port + " still taken after 20 s", e);
                }
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
