package org.wsbyhand.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Drives {@link HandRolledServer} with the JDK's own WebSocket client and with raw sockets. */
class HandRolledServerIT {

    private static HandRolledServer server;
    private static Thread serving;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        server = HandRolledServer.onLoopback();
        serving = Thread.ofVirtual().start(server::serve);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        serving.join(Duration.ofSeconds(10));
    }

    private static URI uri() {
        return URI.create("ws://127.0.0.1:" + server.port() + "/");
    }

    /** Collects whole messages and the close the JDK client receives. */
    static final class Recorder implements WebSocket.Listener {
        final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();
        private final StringBuilder text = new StringBuilder();
        private final java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                messages.add(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            binary.writeBytes(chunk);
            if (last) {
                messages.add(binary.toByteArray());
                binary.reset();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
            byte[] payload = new byte[message.remaining()];
            message.get(payload);
            messages.add(new Pong(payload));
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }

        Object next() throws InterruptedException {
            Object message = messages.poll(10, TimeUnit.SECONDS);
            if (message == null) {
                throw new AssertionError("no message within 10 s");
            }
            return message;
        }
    }

    record Pong(byte[] payload) {}

    private static WebSocket connect(Recorder recorder) {
        return HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5)).buildAsync(uri(), recorder).join();
    }

    @Nested
    class Echo {

        @ParameterizedTest(name = "{0} bytes")
        @ValueSource(ints = {0, 1, 125, 126, 65535, 65536, 1 << 20})
        void echoesTextOfEverySize(int size) throws Exception {
            Recorder recorder = new Recorder();
            WebSocket ws = connect(recorder);
            String text = "é".repeat(size / 2) + "x".repeat(size % 2);
            ws.sendText(text, true).join();
            assertEquals(text, recorder.next());
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
        }

        @ParameterizedTest(name = "{0} bytes")
        @ValueSource(ints = {0, 125, 126, 65535, 65536, 1 << 20})
        void echoesBinaryOfEverySize(int size) throws Exception {
            Recorder recorder = new Recorder();
            WebSocket ws = connect(recorder);
            byte[] data = new byte[size];
            for (int i = 0; i < size; i++) {
                data[i] = (byte) (i * 31);
            }
            ws.sendBinary(ByteBuffer.wrap(data), true).join();
            assertArrayEquals(data, (byte[]) recorder.next());
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
        }

        @Test
        void reassemblesAFragmentedMessageBeforeEchoingIt() throws Exception {
            Recorder recorder = new Recorder();
            WebSocket ws = connect(recorder);
            ws.sendText("Hel", false).join();
            ws.sendText("lo, ", false).join();
            ws.sendText("world", true).join();
            assertEquals("Hello, world", recorder.next());
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
        }

        @Test
        void answersAPingWithAPongCarryingTheSamePayload() throws Exception {
            Recorder recorder = new Recorder();
            WebSocket ws = connect(recorder);
            ws.sendPing(ByteBuffer.wrap("are you there".getBytes(StandardCharsets.UTF_8))).join();
            Pong pong = (Pong) recorder.next();
            assertEquals("are you there", new String(pong.payload(), StandardCharsets.UTF_8));
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
        }
    }

    @Nested
    class Closing {

        @Test
        void echoesTheClientsCloseCode() throws Exception {
            Recorder recorder = new Recorder();
            WebSocket ws = connect(recorder);
            ws.sendClose(4000, "done").join();
            assertEquals("4000 ", recorder.closed.get(10, TimeUnit.SECONDS));
        }

        @Test
        void failsAnUnmaskedClientFrameWithProtocolError() throws Exception {
            try (Socket socket = rawUpgrade()) {
                OutputStream out = socket.getOutputStream();
                out.write(new byte[] {(byte) 0x81, 0x02, 'h', 'i'}); // RFC 6455 5.1: clients must mask
                out.flush();
                byte[] frame = socket.getInputStream().readNBytes(4);
                assertEquals((byte) 0x88, frame[0], "a close frame");
                assertEquals(1002, ((frame[2] & 0xFF) << 8) | (frame[3] & 0xFF));
            }
        }

        @Test
        void failsInvalidUtf8WithInvalidPayloadData() throws Exception {
            try (Socket socket = rawUpgrade()) {
                OutputStream out = socket.getOutputStream();
                out.write(new byte[] {(byte) 0x81, (byte) 0x81, 0, 0, 0, 0, (byte) 0xC0});
                out.flush();
                byte[] frame = socket.getInputStream().readNBytes(4);
                assertEquals((byte) 0x88, frame[0], "a close frame");
                assertEquals(1007, ((frame[2] & 0xFF) << 8) | (frame[3] & 0xFF));
            }
        }
    }

    @Nested
    class Handshake {

        @Test
        void answersAWrongVersionWith426AndTheSupportedVersion() throws Exception {
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                socket.setSoTimeout(10_000);
                send(socket, request("Sec-WebSocket-Version: 8"));
                String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(response.startsWith("HTTP/1.1 426 "), response);
                assertTrue(response.contains("Sec-WebSocket-Version: 13"), response);
            }
        }

        @Test
        void answersAPlainHttpRequestWith400() throws Exception {
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                socket.setSoTimeout(10_000);
                send(socket, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
                String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(response.startsWith("HTTP/1.1 400 "), response);
            }
        }
    }

    private static String request(String versionHeader) {
        return "GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" + versionHeader + "\r\n\r\n";
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    /** Opens a raw socket and completes the opening handshake by hand. */
    private static Socket rawUpgrade() throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.setSoTimeout(10_000);
        send(socket, request("Sec-WebSocket-Version: 13"));
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed during the handshake: " + head);
            }
            head.append((char) b);
        }
        assertTrue(head.toString().startsWith("HTTP/1.1 101 "), head.toString());
        assertTrue(head.toString().contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), head.toString());
        return socket;
    }
}
