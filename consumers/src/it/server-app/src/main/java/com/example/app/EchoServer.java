package com.example.app;

import java.io.IOException;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.WebSocketHandler;
import org.wsbyhand.server.WebSocketServer;

/** Echoes every message back to its sender on ws://localhost:8080/echo. */
public final class EchoServer {

    public static void main(String[] args) throws IOException {
        WebSocketServer server = start(args.length > 0 ? Integer.parseInt(args[0]) : 8080);
        // Ctrl-C or SIGTERM: close 1001 to every client, wait (bounded) for their threads to end.
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        System.out.println("echo server on ws://localhost:" + server.port() + "/echo");
    }

    /** Starts an echo server on {@code port} (0: any free port); returns once it listens. */
    public static WebSocketServer start(int port) throws IOException {
        WebSocketServer server = WebSocketServer.builder()
                .port(port)
                .route("/echo", new WebSocketHandler() {
                    @Override
                    public void onText(Session session, String text) {
                        session.sendText(text);
                    }

                    @Override
                    public void onBinary(Session session, byte[] data) {
                        session.sendBinary(data);
                    }
                })
                .build();
        server.start();
        return server;
    }
}
