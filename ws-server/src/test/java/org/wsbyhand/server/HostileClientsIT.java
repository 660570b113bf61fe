package org.wsbyhand.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.protocol.ProtocolException;
import org.wsbyhand.protocol.Violation;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.WebSocketHandler;
import org.wsbyhand.session.SlowConsumerException;

/**
 * The attacks a hostile client can make, each against a real server on loopback. Every test checks
 * the attack's own answer (a status, a close code, a dropped connection), that a well-behaved
 * client ({@link HealthyClient}) is served throughout within a bound that holds on two busy cores,
 * and that the memory the server holds for its clients never exceeds its budget.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostileClientsIT {

    /** A round trip of the healthy client normally takes a millisecond; this is what "served" means here. */
    private static final Duration SERVED = Duration.ofSeconds(5);

    private static final WebSocketHandler ECHO = new WebSocketHandler() {
        @Override
        public void onText(Session session, String text) {
            session.sendText(text);
        }

        @Override
        public void onBinary(Session session, byte[] data) {
            session.sendBinary(data);
        }
    };

    private static WebSocketServer start(UnaryOperator<ServerBuilder> settings) throws IOException {
        return start(settings, ECHO);
    }

    private static WebSocketServer start(UnaryOperator<ServerBuilder> settings, WebSocketHandler handler)
            throws IOException {
        WebSocketServer server = settings.apply(WebSocketServer.builder().bindAddress("127.0.0.1").port(0)
                .route("/echo", handler)).build();
        server.start();
        return server;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within 30 s: " + what);
            }
            Thread.sleep(10);
        }
    }

    private static void assertWithinBudget(WebSocketServer server, HealthyClient healthy) {
        ServerStats.Memory memory = server.stats().memory();
        assertTrue(memory.held() <= memory.budget(), "held " + memory.held() + " of a budget of " + memory.budget());
        assertTrue(healthy.mostMemoryHeld() <= memory.budget(),
                "held " + healthy.mostMemoryHeld() + " of a budget of " + memory.budget() + " during the attack");
    }

    /** A new client can still connect and is echoed: the server is alive and accepting. */
    private static void assertStillServing(WebSocketServer server) throws IOException {
        try (RawClient fresh = RawClient.open(server.port(), "/echo")) {
            fresh.sendText("still there?");
            assertEquals("still there?", fresh.readFrame().text());
        }
    }

    /** Raw DEFLATE of {@code data}, sync-flushed, without the 00 00 ff ff tail (RFC 7692 7.2.1). */
    private static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater(9, true);
        try {
            deflater.setInput(data);
            byte[] out = new byte[data.length / 100 + 1024];
            int size = 0;
            while (true) {
                size += deflater.deflate(out, size, out.length - size, Deflater.SYNC_FLUSH);
                if (size < out.length) {
                    break;
                }
                out = Arrays.copyOf(out, out.length * 2);
            }
            return Arrays.copyOf(out, size - 4);
        } finally {
            deflater.end();
        }
    }

    /** A client that negotiated permessage-deflate. */
    private static RawClient openCompressed(int port) throws IOException {
        RawClient client = RawClient.connect(port);
        String head = client.request(RawClient.upgradeRequest("/echo", RawClient.newKey(),
                "Sec-WebSocket-Extensions: permessage-deflate\r\n"));
        assertEquals(101, RawClient.status(head), head);
        assertTrue(head.contains("permessage-deflate"), head);
        return client;
    }

    /** A socket from another loopback address, reading little (a small receive buffer). */
    private static Socket connectFrom(String localAddress, int port) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.bind(new InetSocketAddress(localAddress, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    @Nested
    class HeldCompressedMessages {
        /**
         * Each attacker sends the first frame of a compressed message, about 1 KB that inflates to
         * just under the 1 MiB message limit, and stalls. Without a budget the server holds a
         * megabyte per attacker until it runs out of heap; with one, attackers beyond the budget's
         * shared half are refused with 1013.
         */
        @Test
        void unfinishedCompressedMessagesAreRefusedWith1013BeyondTheBudgetAndOthersAreServed() throws Exception {
            long budget = 16 << 20;
            try (WebSocketServer server = start(b -> b.memoryBudget(budget).maxConnections(200));
                    HealthyClient healthy = new HealthyClient(server)) {
                byte[] firstFrame = RawClient.encode(false, 4, 0x2, deflate(new byte[(1 << 20) - 1024]), true);
                List<RawClient> attackers = new ArrayList<>();
                try {
                    for (int i = 0; i < 60; i++) {
                        RawClient attacker = openCompressed(server.port());
                        attackers.add(attacker);
                        attacker.sendRaw(firstFrame);
                    }
                    // 200 shares of 40 KiB are promised; 8 MiB are shared: about 8 attackers hold a message.
                    await("most attackers refused", () -> server.stats().memory().refusals() >= 45);
                    int refused = 0;
                    for (RawClient attacker : attackers) {
                        attacker.socket.setSoTimeout(200);
                        try {
                            assertEquals(1013, attacker.readUntilClose().closeCode());
                            refused++;
                        } catch (java.net.SocketTimeoutException holding) {
                            // one of the few whose message fits the budget: it is still being received
                        }
                    }
                    assertTrue(refused >= 45, refused + " attackers refused");
                    assertWithinBudget(server, healthy);
                    healthy.assertServed(20, SERVED);
                    assertStillServing(server);
                } finally {
                    for (RawClient attacker : attackers) {
                        attacker.close();
                    }
                }
                await("memory given back", () -> server.stats().memory().held() < 64 * 1024);
                assertWithinBudget(server, healthy);
            }
        }
    }

    @Nested
    class TinyFragments {
        /** The frames of one binary message of {@code count} one-byte fragments. */
        private static byte[] oneByteFragments(int count) {
            byte[] first = RawClient.encode(false, 0x2, new byte[] {1}, true);
            byte[] next = RawClient.encode(false, 0x0, new byte[] {1}, true);
            byte[] last = RawClient.encode(true, 0x0, new byte[] {1}, true);
            byte[] all = new byte[first.length * count];
            System.arraycopy(first, 0, all, 0, first.length);
            for (int i = 1; i < count - 1; i++) {
                System.arraycopy(next, 0, all, i * next.length, next.length);
            }
            System.arraycopy(last, 0, all, (count - 1) * last.length, last.length);
            return all;
        }

        @Test
        void aMessageOfMoreFragmentsThanTheLimitFailsWith1009() throws Exception {
            try (WebSocketServer server = start(b -> b.limits(org.wsbyhand.protocol.Limits.defaults().withMaxFragments(1000)));
                    HealthyClient healthy = new HealthyClient(server);
                    RawClient attacker = RawClient.open(server.port(), "/echo")) {
                attacker.sendRaw(oneByteFragments(1001));
                assertEquals(1009, attacker.readUntilClose().closeCode());
                healthy.assertServed(10, SERVED);
            }
        }

        /**
         * Two attackers each send a 1 MiB message as a million one-byte fragments (7 MB on the
         * wire). Reassembly is linear, and a reader that always has bytes waiting lets other
         * virtual threads run, so the healthy client is served while they do.
         */
        @Test
        void aMessageInAMillionOneByteFragmentsCostsLinearTimeAndOthersAreServed() throws Exception {
            int fragments = 1 << 20;
            try (WebSocketServer server = start(b -> b.limits(org.wsbyhand.protocol.Limits.defaults()
                    .withMaxFragments(fragments)));
                    HealthyClient healthy = new HealthyClient(server)) {
                byte[] message = oneByteFragments(fragments);
                List<CompletableFuture<Integer>> echoes = new ArrayList<>();
                List<RawClient> attackers = new ArrayList<>();
                try {
                    for (int i = 0; i < 2; i++) {
                        RawClient attacker = RawClient.open(server.port(), "/echo");
                        attackers.add(attacker);
                        CompletableFuture<Integer> echo = new CompletableFuture<>();
                        echoes.add(echo);
                        // Platform threads, like a client in another process: the attack does not
                        // share the server's carrier threads.
                        Thread.ofPlatform().daemon().start(() -> {
                            try {
                                attacker.sendRaw(message);
                                echo.complete(attacker.readFrame().payload().length);
                            } catch (Throwable e) {
                                echo.completeExceptionally(e);
                            }
                        });
                    }
                    healthy.assertServed(50, SERVED);
                    for (CompletableFuture<Integer> echo : echoes) {
                        // Linear work takes about a second here; the old quadratic copy took minutes.
                        assertEquals(fragments, echo.get(30, TimeUnit.SECONDS), "the whole message came back");
                    }
                } finally {
                    for (RawClient attacker : attackers) {
                        attacker.close();
                    }
                }
                assertWithinBudget(server, healthy);
            }
        }
    }

    @Nested
    class AfterOurClose {
        /**
         * The handler closes the session on the first message; the client ignores that, reads
         * nothing and sends 20 MB more. The server dispatches none of it, reads at most the message
         * limit and a megabyte more, then drops the client.
         */
        @Test
        void messagesAfterTheServerClosedAreNotDispatchedAndAPeerThatKeepsSendingIsDropped() throws Exception {
            AtomicInteger dispatched = new AtomicInteger();
            CompletableFuture<CloseCode> closed = new CompletableFuture<>();
            WebSocketHandler closer = new WebSocketHandler() {
                @Override
                public void onText(Session session, String text) {
                    dispatched.incrementAndGet();
                    session.close(CloseCode.POLICY_VIOLATION, "go away");
                }

                @Override
                public void onClose(Session session, CloseCode code, String reason) {
                    closed.complete(code);
                }
            };
            int maxMessage = 64 * 1024;
            try (WebSocketServer server = start(b -> b.maxMessageSize(maxMessage).closeTimeout(Duration.ofSeconds(20))
                    .route("/closer", closer));
                    HealthyClient healthy = new HealthyClient(server);
                    Socket socket = connectFrom("127.0.0.1", server.port())) {
                RawClient attacker = RawClient.over(socket);
                assertEquals(101, RawClient.status(attacker.request(RawClient.upgradeRequest("/closer", RawClient.newKey()))));
                long bytesInBefore = server.stats().bytesIn();
                byte[] kilobyte = RawClient.encode(true, 0x1, "x".repeat(1024).getBytes(StandardCharsets.UTF_8), true);
                Thread flood = Thread.ofVirtual().start(() -> {
                    try {
                        attacker.sendText("first");
                        for (int i = 0; i < 20_000; i++) {
                            attacker.sendRaw(kilobyte);
                        }
                    } catch (IOException expected) {
                        // dropped by the server
                    }
                });
                // The close timeout is 20 s: ending well before it means the flood itself ended the session.
                assertEquals(CloseCode.ABNORMAL_CLOSURE, closed.get(15, TimeUnit.SECONDS));
                assertEquals(1, dispatched.get(), "only the message before our close was dispatched");
                long read = server.stats().bytesIn() - bytesInBefore;
                assertTrue(read <= maxMessage + (1 << 20) + 2 * 64 * 1024, "read " + read + " bytes after the close");
                flood.join(30_000);
                healthy.assertServed(10, SERVED);
            }
        }
    }

    @Nested
    class Floods {
        /**
         * Pings without reading the pongs. The outbound bound is set above all the pongs the flood can
         * make the server queue (13 MB), so the heartbeat is what drops the client: once its socket is
         * full nothing more arrives, our ping goes unanswered (1011), and the close timeout drops it,
         * while nothing else waits for it.
         */
        @Test
        void aClientThatPingsWithoutReadingIsDropped() throws Exception {
            RecordingHandler handler = new RecordingHandler(true);
            try (WebSocketServer server = start(b -> b.maxOutboundBytes(32 << 20).closeTimeout(Duration.ofSeconds(1))
                    .pingInterval(Duration.ofMillis(300)).pongTimeout(Duration.ofMillis(300)).route("/recorded", handler));
                    HealthyClient healthy = new HealthyClient(server);
                    Socket socket = connectFrom("127.0.0.1", server.port())) {
                RawClient attacker = RawClient.over(socket);
                assertEquals(101, RawClient.status(attacker.request(RawClient.upgradeRequest("/recorded", RawClient.newKey()))));
                byte[] ping = RawClient.encode(true, 0x9, new byte[125], true);
                Thread flood = Thread.ofVirtual().start(() -> {
                    try {
                        for (int i = 0; i < 100_000; i++) { // 13 MB at most
                            attacker.sendRaw(ping);
                        }
                    } catch (IOException expected) {
                        // dropped by the server
                    }
                });
                RecordingHandler.Closed closed = handler.awaitClosed();
                assertInstanceOf(java.util.concurrent.TimeoutException.class, closed.error(), "ended by the heartbeat");
                flood.join(30_000);
                assertWithinBudget(server, healthy);
                healthy.assertServed(10, SERVED);
            }
        }

        /** A handler that sends to a client that reads nothing: the session is closed at its bound and ends. */
        @Test
        void aClientThatNeverReadsWhatItIsSentIsClosedAtItsOutboundBound() throws Exception {
            RecordingHandler handler = new RecordingHandler(false) {
                @Override
                public void onOpen(Session session) {
                    super.onOpen(session);
                    byte[] chunk = new byte[64 * 1024];
                    while (session.sendBinary(chunk)) {
                        // until the bound closes the session
                    }
                }
            };
            try (WebSocketServer server = start(b -> b.maxOutboundBytes(1 << 20).closeTimeout(Duration.ofSeconds(1))
                    .route("/sender", handler));
                    HealthyClient healthy = new HealthyClient(server);
                    Socket socket = connectFrom("127.0.0.1", server.port())) {
                RawClient stalled = RawClient.over(socket);
                stalled.sendRaw(RawClient.upgradeRequest("/sender", RawClient.newKey()).getBytes(StandardCharsets.ISO_8859_1));
                RecordingHandler.Closed closed = handler.awaitClosed();
                assertInstanceOf(SlowConsumerException.class, closed.error());
                assertEquals(CloseCode.ABNORMAL_CLOSURE, closed.code(), "the client never read our close frame");
                assertWithinBudget(server, healthy);
                healthy.assertServed(10, SERVED);
            }
        }
    }

    @Nested
    class StalledDownloads {
        /**
         * More clients than there are carrier threads ask for a large file and never read it.
         * Written with ordinary socket writes, each stalled download parks its virtual thread
         * instead of holding a carrier, so WebSocket and HTTP clients are still served; the
         * downloads are dropped at the response timeout.
         */
        @Test
        void downloadsThatAreNeverReadHoldNoCarrierAndAreDroppedAtTheResponseTimeout(@TempDir Path root) throws Exception {
            byte[] big = new byte[16 << 20];
            Arrays.fill(big, (byte) 'x');
            Files.write(root.resolve("big.bin"), big);
            Files.writeString(root.resolve("small.txt"), "small");
            int stalled = Runtime.getRuntime().availableProcessors() + 2;
            // Long enough that a pinned carrier could not hide behind the timeout's abort.
            try (WebSocketServer server = start(b -> b.staticFiles(StaticFiles.directory(root))
                    .responseTimeout(Duration.ofSeconds(8)));
                    HealthyClient healthy = new HealthyClient(server)) {
                List<Socket> downloads = new ArrayList<>();
                try {
                    for (int i = 0; i < stalled; i++) {
                        Socket socket = connectFrom("127.0.0.1", server.port());
                        downloads.add(socket);
                        socket.getOutputStream().write("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    }
                    healthy.assertServed(20, Duration.ofSeconds(2));
                    assertEquals(stalled + 1, server.stats().openConnections(), "the downloads are still stalled");
                    try (RawClient http = RawClient.connect(server.port())) {
                        String head = http.request("GET /small.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                        assertEquals(200, RawClient.status(head));
                        assertEquals("small", new String(http.readToEnd(), StandardCharsets.UTF_8));
                    }
                    // Dropped at the response timeout: only the healthy client's connection is left.
                    await("stalled downloads dropped", () -> server.stats().openConnections() == 1);
                    for (Socket socket : downloads) {
                        assertTrue(endsBeforeTheWholeFile(socket.getInputStream(), big.length), "the download was cut off");
                    }
                } finally {
                    for (Socket socket : downloads) {
                        socket.close();
                    }
                }
            }
        }

        private static boolean endsBeforeTheWholeFile(InputStream in, int fileLength) {
            long total = 0;
            byte[] buffer = new byte[64 * 1024];
            try {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    total += n;
                }
            } catch (IOException reset) {
                return true;
            }
            return total < fileLength;
        }
    }

    @Nested
    class ConnectionFloods {
        @Test
        void oneAddressGetsNoMoreThanItsConnectionsAndOthersAreServed() throws Exception {
            try (WebSocketServer server = start(b -> b.maxConnectionsPerAddress(4));
                    HealthyClient healthy = new HealthyClient(server)) {
                List<Socket> flood = new ArrayList<>();
                try {
                    for (int i = 0; i < 20; i++) {
                        flood.add(connectFrom("127.0.0.2", server.port()));
                    }
                    await("16 refused", () -> server.stats().connectionsRefused() >= 16);
                    assertEquals(5, server.stats().openConnections(), "4 from the flooding address and the healthy client");
                    int answered503 = 0;
                    for (Socket socket : flood.subList(4, 20)) {
                        byte[] answer = readQuietly(socket);
                        socket.close();
                        if (answer.length > 0) {
                            assertTrue(new String(answer, StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 503"));
                            answered503++;
                        }
                    }
                    assertTrue(answered503 > 0, "refused connections are answered 503 while few are being refused");
                    healthy.assertServed(10, SERVED);
                    assertStillServing(server);
                } finally {
                    for (Socket socket : flood) {
                        socket.close();
                    }
                }
            }
        }

        @Test
        void connectionsStillInTheHandshakeCountAgainstTheLimitUntilTheirTimeout() throws Exception {
            try (WebSocketServer server = start(b -> b.maxConnections(10).handshakeTimeout(Duration.ofSeconds(1)))) {
                List<Socket> silent = new ArrayList<>();
                try {
                    for (int i = 0; i < 10; i++) {
                        silent.add(connectFrom("127.0.0.3", server.port()));
                    }
                    await("10 connections admitted", () -> server.stats().openConnections() == 10);
                    try (RawClient eleventh = RawClient.connect(server.port())) {
                        assertEquals(503, RawClient.status(eleventh.readHead()));
                    }
                    for (Socket socket : silent) {
                        String answer = new String(readQuietly(socket), StandardCharsets.ISO_8859_1);
                        assertTrue(answer.startsWith("HTTP/1.1 408"), "silent connections time out: " + answer);
                        socket.close();
                    }
                    await("slots freed", () -> server.stats().openConnections() == 0);
                    assertStillServing(server);
                } finally {
                    for (Socket socket : silent) {
                        socket.close();
                    }
                }
            }
        }

        private static byte[] readQuietly(Socket socket) {
            try {
                return socket.getInputStream().readAllBytes();
            } catch (IOException reset) {
                return new byte[0];
            }
        }
    }

    @Nested
    class Handshakes {
        @Test
        void aHeadSentAByteAtATimeGets408AtTheHandshakeDeadline() throws Exception {
            try (WebSocketServer server = start(b -> b.handshakeTimeout(Duration.ofSeconds(1)));
                    HealthyClient healthy = new HealthyClient(server);
                    RawClient slow = RawClient.connect(server.port())) {
                byte[] request = RawClient.upgradeRequest("/echo", RawClient.newKey()).getBytes(StandardCharsets.ISO_8859_1);
                long start = System.nanoTime();
                try {
                    for (int i = 0; i < 20; i++) { // 4 s of trickle, much longer than the deadline
                        slow.sendRaw(new byte[] {request[i]});
                        Thread.sleep(200);
                    }
                } catch (IOException expected) {
                    // the server answered and closed meanwhile
                }
                assertEquals(408, RawClient.status(slow.readHead()));
                assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10));
                healthy.assertServed(10, SERVED);
            }
        }

        @Test
        void aHugeHeadGets431() throws Exception {
            try (WebSocketServer server = start(b -> b);
                    HealthyClient healthy = new HealthyClient(server);
                    RawClient client = RawClient.connect(server.port())) {
                String head = client.request(RawClient.upgradeRequest("/echo", RawClient.newKey(),
                        "X-Filler: " + "y".repeat(16 * 1024) + "\r\n"));
                assertEquals(431, RawClient.status(head));
                healthy.assertServed(10, SERVED);
            }
        }
    }

    @Nested
    class Bombs {
        @Test
        void aFrameAnnouncingExabytesFailsWith1009BeforeAnythingIsAllocated() throws Exception {
            try (WebSocketServer server = start(b -> b);
                    HealthyClient healthy = new HealthyClient(server);
                    RawClient attacker = RawClient.open(server.port(), "/echo")) {
                byte[] header = {(byte) 0x82, (byte) (0x80 | 127), 0x3F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
                        (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1, 2, 3, 4};
                attacker.sendRaw(header);
                assertEquals(1009, attacker.readUntilClose().closeCode());
                long held = server.stats().memory().held();
                assertTrue(held < 64 * 1024, "nothing allocated for the announced payload, held " + held);
                healthy.assertServed(10, SERVED);
            }
        }

        @Test
        void aCompressedMessageThatInflatesPastTheLimitFailsWith1009() throws Exception {
            RecordingHandler handler = new RecordingHandler(true);
            try (WebSocketServer server = start(b -> b.maxMessageSize(1 << 20).route("/recorded", handler));
                    HealthyClient healthy = new HealthyClient(server)) {
                RawClient attacker = RawClient.connect(server.port());
                String head = attacker.request(RawClient.upgradeRequest("/recorded", RawClient.newKey(),
                        "Sec-WebSocket-Extensions: permessage-deflate\r\n"));
                assertTrue(head.contains("permessage-deflate"), head);
                byte[] bomb = deflate(new byte[64 << 20]); // about 64 KB inflating to 64 MiB
                attacker.sendRaw(RawClient.encode(true, 4, 0x2, bomb, true));
                assertEquals(1009, attacker.readUntilClose().closeCode());
                ProtocolException error = assertInstanceOf(ProtocolException.class, handler.awaitClosed().error());
                assertEquals(Violation.MESSAGE_TOO_BIG, error.violation());
                assertWithinBudget(server, healthy);
                healthy.assertServed(10, SERVED);
                attacker.close();
            }
        }
    }
}
