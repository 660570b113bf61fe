package org.wsbyhand.benchmarks.peers;

import java.io.IOException;
import org.wsbyhand.examples.BroadcastServer;
import org.wsbyhand.examples.EchoServer;
import org.wsbyhand.server.ServerBuilder;
import org.wsbyhand.server.ServerConfig;
import org.wsbyhand.server.WebSocketServer;

/**
 * Runs ws-by-hand's example servers as configured by {@link EchoServer#builder} and
 * {@link BroadcastServer#builder}, bound to 127.0.0.1 like the peers (the examples' own
 * {@code main} methods listen on every interface). Usage: {@code OursServer PORT [echo|broadcast]
 * [tls] [deflate] [window=BITS]} (see {@link ServerArgs}); {@code window} (8-15, default 15) is
 * the compression window. Three settings differ from the examples:
 *
 * <ul>
 *   <li>compression is on only with {@code deflate} (ws-server negotiates it by default, the peers
 *       only when asked);
 *   <li>{@code tls} serves {@code wss://} through the builder's {@code tls(SSLContext)};
 *   <li>up to {@value #MAX_CONNECTIONS} connections instead of ws-server's default 10,000: the
 *       peers have no limit, and the benchmark holds 19,000 idle connections or 10,000 broadcast
 *       receivers plus a sender (the process's file limit is the real bound).
 * </ul>
 */
public final class OursServer {

    static final int MAX_CONNECTIONS = 30_000;

    private OursServer() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        ServerArgs options = ServerArgs.parse("OursServer", args);
        ServerBuilder builder = options.broadcast()
                ? BroadcastServer.builder("127.0.0.1", options.port())
                : EchoServer.builder("127.0.0.1", options.port());
        builder.maxConnections(MAX_CONNECTIONS).compression(options.deflate())
                // -Dbench.carrierLoops=0 (run.sh's label ours-jdk): the JDK's scheduler, for comparison.
                .carrierLoops(Integer.getInteger("bench.carrierLoops", ServerConfig.CARRIER_LOOPS_AUTO));
        if (options.deflate()) {
            builder.compressionWindowBits(options.windowBits().orElse(15));
        }
        if (options.tls()) {
            builder.tls(BenchTls.context("OursServer"));
        }
        WebSocketServer server = builder.build();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        server.start();
        System.out.println("ws-by-hand " + options.describe() + " server on " + options.scheme() + "://127.0.0.1:" + server.port());
        // Earlier ws-server versions ran every thread as a (daemon) virtual thread; parking here keeps
        // the JVM alive with those too, until the process is killed.
        Thread.currentThread().join();
    }
}
