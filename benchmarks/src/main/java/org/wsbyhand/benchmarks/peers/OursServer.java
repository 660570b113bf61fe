package org.wsbyhand.benchmarks.peers;

import java.io.IOException;
import org.wsbyhand.examples.BroadcastServer;
import org.wsbyhand.examples.EchoServer;
import org.wsbyhand.server.WebSocketServer;

/**
 * Runs ws-by-hand's example servers exactly as configured by {@link EchoServer#create} and
 * {@link BroadcastServer#create}, but bound to 127.0.0.1 like the peers (the examples' own
 * {@code main} methods listen on every interface). Usage: {@code OursServer PORT [echo|broadcast]
 * [compressionWindowBits]}; the window (8-15, default 15) applies to the echo server.
 */
public final class OursServer {

    private OursServer() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        int port = Integer.parseInt(args[0]);
        boolean broadcast = args.length > 1 && args[1].equals("broadcast");
        int windowBits = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        WebSocketServer server = broadcast
                ? BroadcastServer.create("127.0.0.1", port)
                : EchoServer.create("127.0.0.1", port, windowBits);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        server.start();
        System.out.println("ws-by-hand " + (broadcast ? "broadcast" : "echo") + " server on port " + server.port());
        // Earlier ws-server versions ran every thread as a (daemon) virtual thread; parking here keeps
        // the JVM alive with those too, until the process is killed.
        Thread.currentThread().join();
    }
}
