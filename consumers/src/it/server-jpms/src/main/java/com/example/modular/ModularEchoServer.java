package com.example.modular;

import java.io.IOException;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.WebSocketHandler;
import org.wsbyhand.server.WebSocketServer;

/** The echo server as a named module: run with java -p <jars> -m com.example.modular/com.example.modular.ModularEchoServer */
public final class ModularEchoServer {

    public static void main(String[] args) throws IOException {
        WebSocketServer server = start(args.length > 0 ? Integer.parseInt(args[0]) : 8080);
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
                })
                .build();
        server.start();
        return server;
    }
}
