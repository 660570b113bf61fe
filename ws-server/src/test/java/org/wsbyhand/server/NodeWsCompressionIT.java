package org.wsbyhand.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.wsbyhand.protocol.deflate.DeflateOptions;

/**
 * Node's {@code ws} package as a client: it offers {@code server_max_window_bits} 8-15, or accepts
 * one the server states unasked, and inflates with zlib sized to that window. Every echo of the
 * corpus of {@link CompressionInterop} must come back byte for byte. {@code ws} is pinned in
 * {@code src/test/node/package.json} and its lock file, installed there by {@code npm ci} (which
 * {@code .ci/run} does). Skipped, with the reason, without node or that installation.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NodeWsCompressionIT {

    @TempDir
    static Path tmp;
    private static Path corpus;
    private static final Path NODE_DIR = Path.of("src/test/node").toAbsolutePath();

    @BeforeAll
    static void corpus() throws Exception {
        corpus = CompressionInterop.writeCorpus(tmp.resolve("corpus"));
    }

    private static void assumeNodeWs() {
        assumeTrue(CompressionInterop.works(List.of("node", "--version"), tmp),
                "node is not installed (apt-get install nodejs npm): interop test skipped");
        assumeTrue(Files.isDirectory(NODE_DIR.resolve("node_modules/ws")),
                "ws is not installed: run `npm ci` in ws-server/src/test/node (.ci/run does): interop test skipped");
    }

    private static CompressionInterop.Run client(WebSocketServer server, String bits) throws Exception {
        return CompressionInterop.run(List.of("node", NODE_DIR.resolve("ws_client.js").toString(),
                "ws://127.0.0.1:" + server.port() + "/", corpus.toString(), bits), tmp, 90);
    }

    @ParameterizedTest(name = "server_max_window_bits={0}")
    @ValueSource(ints = {8, 9, 10, 11, 12, 13, 14, 15})
    void aClientOfferingAServerWindowGetsItAndEveryEchoByteForByte(int bits) throws Exception {
        assumeNodeWs();
        try (WebSocketServer server = CompressionInterop.echoServer(DeflateOptions.defaults())) {
            CompressionInterop.Run run = client(server, Integer.toString(bits));
            System.out.printf("node ws offering server_max_window_bits=%d: %s%n", bits, run.output().strip());
            assertTrue(run.echoesIdentical(), run.output());
            assertEquals("permessage-deflate; server_max_window_bits=" + bits, run.extensions());
            assertTrue(server.stats().compression().messagesOut() > 0, "the server compressed");
        }
    }

    @ParameterizedTest(name = "unasked server_max_window_bits={0}")
    @ValueSource(ints = {8, 10, 12})
    void aClientThatDidNotAskAcceptsTheServersSmallerWindow(int bits) throws Exception {
        assumeNodeWs();
        try (WebSocketServer server = CompressionInterop.echoServer(DeflateOptions.defaults().withServerMaxWindowBits(bits))) {
            CompressionInterop.Run run = client(server, "none");
            System.out.printf("node ws with an unasked server_max_window_bits=%d: %s%n", bits, run.output().strip());
            assertTrue(run.echoesIdentical(), run.output());
            assertEquals("permessage-deflate; server_max_window_bits=" + bits, run.extensions());
            assertTrue(server.stats().compression().messagesOut() > 0, "the server compressed");
        }
    }
}
