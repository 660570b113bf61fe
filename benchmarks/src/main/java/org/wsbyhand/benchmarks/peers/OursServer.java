package org.wsbyhand.benchmarks.peers;

import java.io.IOException;
import org.wsbyhand.examples.BroadcastServer;
import org.wsbyhand.examples.EchoServer;
import org.wsbyhand.server.WebSocketServer;

/**
 * Runs ws-by-hand's example servers exactly as configured by {@link EchoServer#create} and
 * {@link BroadcastServer#create}, bound to 127.0.0.1 like the peers, and keeps the JVM alive:
 * ws-server runs every thread, the accept loop included, as a virtual (daemon) thread, so the
 * examples' own {@code main} methods return and the JVM exits at once. Usage:
 * {@code OursServer PORT [echo|broadcast]}.
 */
public final class OursServer {

    private OursServer() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        int port = Integer.parseInt(args[0]);
        boolean broadcast = args.length > 1 && args[1].equals("broadcast");
        WebSocketServer server = broadcast
                ? BroadcastServer.create("127.0.0.1", port)
                : EchoServer.create("127.0.0.1", port);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        server.start();
        System.out.println("ws-by-hand " + (broadcast ? "broadcast" : "echo") + " server on port " + server.port());
        // The server's threads are all virtual, hence daemon: park this platform thread until killed.
        Thread.currentThread().join();
    }
}
