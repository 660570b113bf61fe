package org.wsbyhand.client;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.opentest4j.TestAbortedException;

/**
 * A WebSocket server that is not ours, on 127.0.0.1, for the client's interop tests: Node's
 * {@code ws}, python-websockets (both as child processes), Netty and Jetty (both in this JVM). All
 * are echo servers with permessage-deflate on, and all speak one small protocol, so that a test
 * can ask any of them for what an echo cannot show. Every text and binary message is echoed as
 * received, except these text commands:
 *
 * <ul>
 *   <li>{@code close:CODE:REASON}: the server closes the connection with CODE and REASON;
 *   <li>{@code ping:PAYLOAD}: the server sends a ping with PAYLOAD, and sends the text
 *       {@code pong:PAYLOAD} when the pong comes;
 *   <li>{@code fragments:N:TEXT}: the server sends TEXT as one text message in N fragments (split
 *       between code points);
 *   <li>{@code extensions?}: answered with {@code extensions:} and the Sec-WebSocket-Extensions the
 *       server agreed to (empty when none);
 *   <li>{@code closed?ID}: answered with {@code closed:ID:CODE:REASON}, the close frame that the
 *       connection opened with the query {@code ?id=ID} received (1006 when it ended without
 *       one), or {@code closed:ID:} while that connection has received none.
 * </ul>
 *
 * <p>{@link #start} skips the test ({@code assumeTrue}, with the reason and the fix) when node,
 * the {@code ws} package (installed by {@code npm ci} in {@code src/test/node}, which
 * {@code .ci/run} does) or python-websockets is missing.
 */
abstract class PeerServer implements AutoCloseable {

    /** The peers. */
    enum Kind {
        NODE_WS("Node ws 8.18.3"),
        PYTHON_WEBSOCKETS("python-websockets"),
        NETTY("Netty 4.2.17.Final"),
        JETTY("Jetty 12.1.12");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** How long an external server may take to print its port. */
    private static final long START_SECONDS = 60;
    private static final Path NODE_DIR = Path.of("src/test/node").toAbsolutePath();
    private static final Path PYTHON_DIR = Path.of("src/test/python").toAbsolutePath();

    private final String name;

    PeerServer(String name) {
        this.name = name;
    }

    /** The server's port on 127.0.0.1. */
    abstract int port();

    /** {@code ws://127.0.0.1:PORT} followed by {@code pathAndQuery}. */
    URI uri(String pathAndQuery) {
        return URI.create("ws://127.0.0.1:" + port() + pathAndQuery);
    }

    @Override
    public String toString() {
        return name;
    }

    /** Stops the server. */
    @Override
    public abstract void close() throws IOException;

    /**
     * Starts a peer.
     *
     * @throws TestAbortedException when what the peer needs is not installed
     */
    static PeerServer start(Kind kind) throws Exception {
        return switch (kind) {
            case NODE_WS -> {
                assumeTrue(runs(List.of("node", "--version")),
                        "node is not installed (apt-get install nodejs npm): Node ws peer skipped");
                assumeTrue(Files.isDirectory(NODE_DIR.resolve("node_modules/ws")),
                        "ws is not installed: run `npm ci` in ws-client/src/test/node (.ci/run does): Node ws peer skipped");
                yield new External(kind.toString(), List.of("node", NODE_DIR.resolve("ws_server.js").toString()), "node-ws");
            }
            case PYTHON_WEBSOCKETS -> {
                String python = python();
                assumeTrue(python != null,
                        "python3 cannot import websockets.legacy.server (apt-get install python3-websockets): python-websockets peer skipped");
                yield new External(kind + " " + version(python),
                        List.of(python, PYTHON_DIR.resolve("websockets_server.py").toString()), "python-websockets");
            }
            case NETTY -> new NettyPeer();
            case JETTY -> new JettyPeer();
        };
    }

    /**
     * Debian's /usr/bin/python3 (python3-websockets), else python3 on the PATH, if it has websockets
     * with the asyncio API the script is written on ({@code websockets.legacy.server}, 9.0 and later).
     */
    private static String python() {
        for (String python : List.of("/usr/bin/python3", "python3")) {
            if (runs(List.of(python, "-c", "import websockets.legacy.server"))) {
                return python;
            }
        }
        return null;
    }

    private static String version(String python) {
        try {
            Process process = new ProcessBuilder(python, "-c", "import websockets; print(websockets.__version__)")
                    .redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0 ? out : "?";
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    /** Whether {@code command} runs and exits 0 within 30 s (a probe for an installed tool). */
    private static boolean runs(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return false;
            }
            return process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** True for the text messages of the peer protocol that are not echoed. */
    static boolean isCommand(String text) {
        return text.startsWith("close:") || text.startsWith("ping:") || text.startsWith("fragments:")
                || text.equals("extensions?") || text.startsWith("closed?");
    }

    /** {@code text} in {@code n} pieces, split between code points, as the scripts split it. */
    static List<String> pieces(String text, int n) {
        int[] points = text.codePoints().toArray();
        int size = (points.length + n - 1) / n;
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int from = Math.min(points.length, i * size);
            int to = Math.min(points.length, (i + 1) * size);
            pieces.add(new String(points, from, to - from));
        }
        return pieces;
    }

    /**
     * The peers a test class uses, each started on first use and kept until {@link #close()}; a peer
     * that could not start (skipped or failed) answers every later {@link #get} the same way.
     */
    static final class Pool implements AutoCloseable {
        private final Map<Kind, Object> started = new EnumMap<>(Kind.class);

        synchronized PeerServer get(Kind kind) throws Exception {
            Object peer = started.get(kind);
            if (peer == null) {
                try {
                    peer = start(kind);
                } catch (Exception e) {
                    peer = e;
                }
                started.put(kind, peer);
            }
            if (peer instanceof TestAbortedException skipped) {
                throw new TestAbortedException(skipped.getMessage());
            }
            if (peer instanceof Exception failed) {
                throw new IllegalStateException(kind + " did not start", failed);
            }
            return (PeerServer) peer;
        }

        @Override
        public synchronized void close() throws IOException {
            IOException first = null;
            for (Object peer : started.values()) {
                if (peer instanceof PeerServer server) {
                    try {
                        server.close();
                    } catch (IOException e) {
                        if (first == null) {
                            first = e;
                        } else {
                            first.addSuppressed(e);
                        }
                    }
                }
            }
            started.clear();
            if (first != null) {
                throw first;
            }
        }
    }

    /**
     * A server in a process of its own that prints {@code port=N} on its standard output once it
     * listens; its standard error goes to {@code target/peers/LOG.log}.
     */
    private static final class External extends PeerServer {
        private final Process process;
        private final int port;

        External(String name, List<String> command, String log) throws IOException, InterruptedException {
            super(name);
            Path logFile = Files.createDirectories(Path.of("target/peers")).resolve(log + ".log");
            process = new ProcessBuilder(command).redirectError(logFile.toFile()).start();
            CompletableFuture<Integer> listening = new CompletableFuture<>();
            Thread.ofVirtual().name(log + "-stdout").start(() -> {
                try (BufferedReader out = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = out.readLine()) != null) {
                        if (line.startsWith("port=")) {
                            listening.complete(Integer.parseInt(line.substring(5).strip()));
                        }
                    }
                    listening.completeExceptionally(new IOException("exited before printing its port"));
                } catch (IOException | RuntimeException e) {
                    listening.completeExceptionally(e);
                }
            });
            try {
                port = listening.get(START_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                destroy();
                throw new IOException(name + " did not print its port within " + START_SECONDS + " s; see " + logFile
                        + ": " + Files.readString(logFile), e instanceof ExecutionException ? e.getCause() : e);
            }
        }

        @Override
        int port() {
            return port;
        }

        @Override
        public void close() {
            destroy();
        }

        /**
         * Ends the process and any children it started: politely, then forcibly after 10 s (at once
         * when the thread is interrupted, whose flag stays set).
         */
        private void destroy() {
            List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
            tree.forEach(ProcessHandle::destroy);
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            for (ProcessHandle child : tree) {
                if (child.isAlive()) {
                    child.destroyForcibly();
                }
            }
        }
    }
}
