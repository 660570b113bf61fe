package org.wsbyhand.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
 * python-websockets (Debian's {@code python3-websockets}, installed by {@code .ci/run}) as a client:
 * it offers {@code server_max_window_bits} 8-15, or accepts one the server states unasked, and
 * decompresses with zlib sized to that window, so a reference beyond the window would fail it.
 * Every echo of a corpus (chat JSON, text, data repeating just beyond each window, noise) must come
 * back byte for byte. Skipped, with the reason, when /usr/bin/python3 cannot import websockets.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PythonWebsocketsCompressionIT {

    private static final String PYTHON = "/usr/bin/python3";

    @TempDir
    static Path tmp;
    private static Path corpus;
    private static Path script;

    @BeforeAll
    static void corpusAndScript() throws Exception {
        corpus = CompressionInterop.writeCorpus(tmp.resolve("corpus"));
        script = Path.of("src/test/resources/interop/websockets_client.py").toAbsolutePath();
    }

    private static void assumePythonWebsockets() {
        assumeTrue(CompressionInterop.works(List.of(PYTHON, "-c", "import websockets"), tmp),
                "python3-websockets is not installed (apt-get install python3-websockets): interop test skipped");
    }

    private static CompressionInterop.Run client(WebSocketServer server, String bits) throws Exception {
        return CompressionInterop.run(List.of(PYTHON, script.toString(), "ws://127.0.0.1:" + server.port() + "/",
                corpus.toString(), bits), tmp, 90);
    }

    @ParameterizedTest(name = "server_max_window_bits={0}")
    @ValueSource(ints = {8, 9, 10, 11, 12, 13, 14, 15})
    void aClientOfferingAServerWindowGetsItAndEveryEchoByteForByte(int bits) throws Exception {
        assumePythonWebsockets();
        try (WebSocketServer server = CompressionInterop.echoServer(DeflateOptions.defaults())) {
            CompressionInterop.Run run = client(server, Integer.toString(bits));
            System.out.printf("python-websockets offering server_max_window_bits=%d: %s%n", bits, run.output().strip());
            assertTrue(run.echoesIdentical(), run.output());
            assertEquals("permessage-deflate; server_max_window_bits=" + bits, run.extensions());
            assertTrue(server.stats().compression().messagesOut() > 0, "the server compressed");
        }
    }

    @ParameterizedTest(name = "unasked server_max_window_bits={0}")
    @ValueSource(ints = {8, 10, 12})
    void aClientThatDidNotAskAcceptsTheServersSmallerWindow(int bits) throws Exception {
        assumePythonWebsockets();
        try (WebSocketServer server = CompressionInterop.echoServer(DeflateOptions.defaults().withServerMaxWindowBits(bits))) {
            CompressionInterop.Run run = client(server, "none");
            System.out.printf("python-websockets with an unasked server_max_window_bits=%d: %s%n", bits, run.output().strip());
            assertTrue(run.echoesIdentical(), run.output());
            assertEquals("permessage-deflate; server_max_window_bits=" + bits, run.extensions());
            assertTrue(server.stats().compression().messagesOut() > 0, "the server compressed");
        }
    }
}
