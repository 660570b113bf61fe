package org.wsbyhand.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.wsbyhand.protocol.deflate.DeflateNegotiation;
import org.wsbyhand.protocol.deflate.DeflateOptions;
import org.wsbyhand.protocol.deflate.DeflateParameters;
import org.wsbyhand.protocol.deflate.PerMessageDeflate;
import org.wsbyhand.protocol.handshake.ClientHandshake;
import org.wsbyhand.protocol.handshake.HandshakeResult;
import org.wsbyhand.protocol.handshake.HttpHeadParser;

/**
 * ws-protocol as a compressing <em>client</em> against python-websockets (Debian's
 * {@code python3-websockets}) as the server: the client offers {@code client_max_window_bits}, the
 * server answers with a window of 9-15 bits and inflates the client's messages with zlib sized to
 * it, so a back-reference beyond the window would fail the connection. Messages include data that
 * repeats just beyond every window; every echo must match byte for byte. Skipped, with the reason,
 * when /usr/bin/python3 cannot import websockets.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClientCompressionIT {

    private static final String PYTHON = "/usr/bin/python3";

    private static boolean pythonWebsockets() {
        try {
            Process probe = new ProcessBuilder(PYTHON, "-c", "import websockets").redirectErrorStream(true).start();
            return probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    private static List<byte[]> messages() {
        Random random = new Random(5);
        List<byte[]> messages = new ArrayList<>();
        StringBuilder json = new StringBuilder();
        while (json.length() < 20_000) {
            json.append("{\"user\":\"user").append(random.nextInt(30)).append("\",\"text\":\"hello ").append(random.nextInt(500))
                    .append("\"}\n");
            if (json.length() < 2000) {
                messages.add(json.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        messages.add(json.toString().getBytes(StandardCharsets.UTF_8));
        for (int bits = 8; bits <= 15; bits++) {
            byte[] pattern = new byte[(1 << bits) + 3];
            random.nextBytes(pattern);
            byte[] periodic = new byte[pattern.length * 3];
            for (int i = 0; i < periodic.length; i++) {
                periodic[i] = pattern[i % pattern.length];
            }
            messages.add(periodic);
        }
        return messages;
    }

    @ParameterizedTest(name = "client_max_window_bits={0}")
    @ValueSource(ints = {9, 10, 12, 15})
    void aClientKeepsToTheWindowTheServerGivesItAndEveryEchoMatches(int bits) throws Exception {
        assumeTrue(pythonWebsockets(), "python3-websockets is not installed (apt-get install python3-websockets): test skipped");
        Path script = Path.of("src/test/resources/interop/websockets_server.py").toAbsolutePath();
        Process server = new ProcessBuilder(PYTHON, script.toString(), Integer.toString(bits)).redirectErrorStream(true).start();
        try (BufferedReader serverOutput = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
            String portLine = serverOutput.readLine();
            assertNotNull(portLine, "the server printed its port");
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(portLine.trim()))) {
                socket.setSoTimeout(30_000);
                exchange(socket, bits);
            }
        } finally {
            server.destroy();
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    private static void exchange(Socket socket, int bits) throws Exception {
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        DeflateOptions options = DeflateOptions.defaults().withMinMessageSize(0);
        ClientHandshake handshake = ClientHandshake.builder("127.0.0.1").port(socket.getPort())
                .extension(DeflateNegotiation.offer(options)).build();
        out.write(handshake.request().toBytes());
        HttpHeadParser parser = HttpHeadParser.forResponse(Limits.defaults());
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16).flip();
        byte[] chunk = new byte[1 << 16];
        while (!parser.feed(buffer)) {
            int n = in.read(chunk);
            assertTrue(n > 0, "the server answered the handshake");
            buffer = ByteBuffer.wrap(chunk, 0, n);
        }
        HandshakeResult result = handshake.validate(parser.response());
        DeflateParameters agreed = DeflateNegotiation.clientAgreement(result, options).orElseThrow();
        assertEquals(bits, agreed.clientMaxWindowBits(), "the server's answer: " + result.response().headers().all("Sec-WebSocket-Extensions"));
        PerMessageDeflate deflate = new PerMessageDeflate(Role.CLIENT, agreed, options);
        assertEquals(bits, deflate.sendWindowBits());
        Connection connection = Connection.builder(Role.CLIENT).deflate(deflate).build();
        if (buffer.hasRemaining()) {
            connection.receive(buffer);
        }
        for (byte[] message : messages()) {
            connection.sendBinary(ByteBuffer.wrap(message));
            flush(connection, out);
            Event event = connection.pollEvent();
            while (event == null) {
                int n = in.read(chunk);
                assertTrue(n > 0, "the server is still there (a window violation would have closed it)");
                connection.receive(ByteBuffer.wrap(chunk, 0, n));
                flush(connection, out);
                event = connection.pollEvent();
            }
            Event.Binary echo = assertInstanceOf(Event.Binary.class, event, "an echo, not " + event);
            assertArrayEquals(message, echo.data());
        }
        assertTrue(deflate.messagesCompressed() > 0, "the client compressed");
        connection.close(CloseCode.NORMAL_CLOSURE, "");
        flush(connection, out);
    }

    private static void flush(Connection connection, OutputStream out) throws Exception {
        for (ByteBuffer bytes = connection.pollOutbound(); bytes != null; bytes = connection.pollOutbound()) {
            byte[] copy = new byte[bytes.remaining()];
            bytes.duplicate().get(copy);
            out.write(copy);
        }
        out.flush();
    }
}
