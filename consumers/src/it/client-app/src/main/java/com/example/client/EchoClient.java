package com.example.client;

import java.io.IOException;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.wsbyhand.client.WebSocketClient;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.WebSocketHandler;

/** Sends "hello" to an echo server (ws://localhost:8080/echo, or args[0]) and prints the answer. */
public final class EchoClient {

    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args.length > 0 ? args[0] : "ws://localhost:8080/echo");
        System.out.println("< " + echo(uri, "hello"));
    }

    /** Connects to {@code uri}, sends {@code message} and returns the first text that comes back. */
    public static String echo(URI uri, String message) throws Exception {
        CompletableFuture<String> reply = new CompletableFuture<>();
        try (WebSocketClient client = WebSocketClient.builder().build()) {
            Session session = client.connect(uri, new WebSocketHandler() {
                @Override
                public void onText(Session session, String text) {
                    reply.complete(text);
                }

                @Override
                public void onClose(Session session, CloseCode code, String reason) {
                    reply.completeExceptionally(new IOException("closed with " + code + " before a reply"));
                }
            });
            session.sendText(message);
            String text = reply.get(10, TimeUnit.SECONDS);
            session.close(); // 1000; the client then waits for the server to close TCP first
            return text;
        }
    }
}
