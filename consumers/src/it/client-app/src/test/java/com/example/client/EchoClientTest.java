package com.example.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.URI;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.WebSocketHandler;
import org.wsbyhand.server.WebSocketServer;

/** The client against a real ws-server on a free port of 127.0.0.1. */
@Timeout(30)
class EchoClientTest {
    private static WebSocketServer server;

    @BeforeAll
    static void start() throws Exception {
        server = WebSocketServer.builder()
                .bindAddress("127.0.0.1")
                .port(0)
                .route("/echo", new WebSocketHandler() {
                    @Override
                    public void onText(Session session, String text) {
                        session.sendText(text);
                    }
                })
                .route("/silent", new WebSocketHandler() {
                    @Override
                    public void onText(Session session, String text) {
                        session.close(CloseCode.NORMAL_CLOSURE, "no echo here");
                    }
                })
                .build();
        server.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + server.port() + path);
    }

    @Test
    void getsItsTextBack() throws Exception {
        assertEquals("hello ✓", EchoClient.echo(uri("/echo"), "hello ✓"));
        assertEquals("hello", EchoClient.echo(uri("/echo"), "hello"));
    }

    @Test
    void failsAtOnceWhenTheServerClosesWithoutAReply() {
        // An ExecutionException, not the TimeoutException of the 10 s wait: onClose ended the wait.
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> EchoClient.echo(uri("/silent"), "hello"));
        assertInstanceOf(IOException.class, e.getCause());
    }
}
