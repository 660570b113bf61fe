package org.wsbyhand.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.protocol.Event;
import org.wsbyhand.protocol.handshake.HandshakeException;
import org.wsbyhand.server.WebSocketServer;

/** {@link HandRolledClient} against real servers: ws-server's {@link EchoServer} and {@link HandRolledServer}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HandRolledClientIT {
    private static WebSocketServer echoServer;
    private static HandRolledServer handRolledServer;
    private static Thread serving;

    @BeforeAll
    static void start() throws IOException {
        echoServer = EchoServer.create("127.0.0.1", 0);
        echoServer.start();
        handRolledServer = HandRolledServer.onLoopback();
        serving = Thread.ofVirtual().start(handRolledServer::serve);
    }

    @AfterAll
    static void stop() throws Exception {
        echoServer.close();
        handRolledServer.close();
        serving.join(Duration.ofSeconds(10));
    }

    private static URI echo() {
        return URI.create("ws://127.0.0.1:" + echoServer.port() + "/");
    }

    @Test
    void exchangesTextAndBinaryOfAnySizeWithWsServer() throws Exception {
        try (HandRolledClient client = HandRolledClient.connect(echo())) {
            assertTrue(client.sendText("hello ✓"));
            assertEquals(new Event.Text("hello ✓"), client.receive());

            byte[] data = new byte[70_000]; // a 64-bit length, several socket reads
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) (i * 31);
            }
            assertTrue(client.sendBinary(data));
            assertArrayEquals(data, ((Event.Binary) client.receive()).data());

            String big = "x".repeat(300_000);
            client.sendText(big);
            assertEquals(big, ((Event.Text) client.receive()).text());
        }
    }

    @Test
    void closesWithTheClosingHandshake() throws Exception {
        HandRolledClient client = HandRolledClient.connect(echo());
        client.close();
        assertEquals(CloseCode.NORMAL_CLOSURE, client.closeCode());
        assertNull(client.receive());
        assertTrue(!client.sendText("too late"));
    }

    @Test
    void talksToTheHandRolledServerWithTheProtocolOnBothSides() throws Exception {
        URI uri = URI.create("ws://127.0.0.1:" + handRolledServer.port() + "/any/path?x=1");
        try (HandRolledClient client = HandRolledClient.connect(uri)) {
            client.sendText("both ends hand-rolled");
            assertEquals(new Event.Text("both ends hand-rolled"), client.receive());
        }
    }

    @Test
    void reportsARefusedHandshakeWithTheServersStatus() {
        HandshakeException e = assertThrows(HandshakeException.class,
                () -> HandRolledClient.connect(URI.create("ws://127.0.0.1:" + echoServer.port() + "/nowhere")));
        assertEquals(404, e.status());
    }

    @Test
    void theLineChatSendsTypedLinesAndPrintsWhatArrives() throws Exception {
        PipedOutputStream keyboard = new PipedOutputStream();
        PipedInputStream typed = new PipedInputStream(keyboard);
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        PrintStream printed = new PrintStream(screen, true, StandardCharsets.UTF_8);
        CompletableFuture<CloseCode> chat = CompletableFuture.supplyAsync(() -> {
            try {
                return HandRolledClient.chat(echo(), typed, printed);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        keyboard.write("first line\nsecond line\n".getBytes(StandardCharsets.UTF_8));
        keyboard.flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!screenText(screen).contains("second line") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        keyboard.close(); // end of input: the client closes
        assertEquals(CloseCode.NORMAL_CLOSURE, chat.get(10, TimeUnit.SECONDS));
        String shown = screenText(screen);
        assertTrue(shown.contains("first line\nsecond line\n"), shown);
        assertTrue(shown.endsWith("closed: " + CloseCode.NORMAL_CLOSURE + "\n"), shown);
    }

    @Test
    void theLineChatEndsAtSlashQuit() throws Exception {
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        PrintStream printed = new PrintStream(screen, true, StandardCharsets.UTF_8);
        // The input never ends, as at a terminal left open: /quit alone closes.
        PipedOutputStream keyboard = new PipedOutputStream();
        PipedInputStream typed = new PipedInputStream(keyboard);
        keyboard.write("/quit\n".getBytes(StandardCharsets.UTF_8));
        keyboard.flush();
        assertEquals(CloseCode.NORMAL_CLOSURE, HandRolledClient.chat(echo(), typed, printed));
        keyboard.close();
        String shown = screenText(screen);
        assertTrue(shown.endsWith("closed: " + CloseCode.NORMAL_CLOSURE + "\n"), shown);
    }

    private static String screenText(ByteArrayOutputStream screen) {
        synchronized (screen) {
            return screen.toString(StandardCharsets.UTF_8);
        }
    }
}
