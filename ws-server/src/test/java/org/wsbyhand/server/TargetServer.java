package org.wsbyhand.server;

import org.wsbyhand.session.Session;
import org.wsbyhand.session.WebSocketHandler;

/**
 * A server with default settings to run in a JVM of its own ({@link ForkedServer}), with whatever
 * heap or scheduler the test chooses: {@code /echo} echoes, {@code /sink} takes messages and does
 * nothing with them, and {@code /stats} answers "gc" with the heap in use after a full collection and
 * the server's own figures, as {@code heap=N held=N budget=N refusals=N parked=N connections=N}.
 * Prints {@code port=N} once listening.
 */
final class TargetServer {
    private TargetServer() {}

    public static void main(String[] args) throws Exception {
        WebSocketServer[] self = new WebSocketServer[1];
        WebSocketHandler stats = new WebSocketHandler() {
            @Override
            public void onText(Session session, String text) {
                System.gc();
                System.gc();
                long heap = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
                ServerStats s = self[0].stats();
                session.sendText("heap=" + heap + " held=" + s.memory().held() + " budget=" + s.memory().budget()
                        + " refusals=" + s.memory().refusals() + " parked=" + s.parkedSessions()
                        + " connections=" + s.openConnections());
            }
        };
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
        WebSocketServer server = WebSocketServer.builder().bindAddress("127.0.0.1").port(0)
                .route("/echo", echo).route("/sink", new WebSocketHandler() {}).route("/stats", stats).build();
        self[0] = server;
        server.start();
        System.out.println("port=" + server.port());
        System.out.flush();
    }
}
