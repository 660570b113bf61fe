package com.example.app;

import java.io.IOException;
import org.wsbyhand.session.PreparedMessage;
import org.wsbyhand.server.WebSocketServer;

/** A chat room on ws://localhost:8080/chat that says goodbye to everyone when the process ends. */
public final class ChatServer {

    public static void main(String[] args) throws IOException {
        WebSocketServer server = start(args.length > 0 ? Integer.parseInt(args[0]) : 8080);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // Every open session of every route, one encoding for all.
            server.broadcast(PreparedMessage.text("server shutting down"));
            // Close 1001 to everyone, wait (bounded) for the connections' threads to end.
            server.close();
        }));
        System.out.println("chat room on ws://localhost:" + server.port() + "/chat");
    }

    /** Starts the chat server on {@code port} (0: any free port); returns once it listens. */
    public static WebSocketServer start(int port) throws IOException {
        WebSocketServer server = WebSocketServer.builder()
                .port(port)
                .route("/chat", new ChatRoom())
                .build();
        server.start();
        return server;
    }
}
