package org.wsbyhand.benchmarks.peers;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * Peer: a Java-WebSocket 1.6 server (its selector thread plus one decoder thread per core, the
 * library's defaults); a broadcast uses the library's own {@code broadcast}, which encodes once.
 * Usage: {@code JavaWebSocketServer PORT [echo|broadcast]}.
 */
public final class JavaWebSocketServer extends WebSocketServer {

    private final boolean broadcast;

    private JavaWebSocketServer(int port, boolean broadcast) {
        super(new InetSocketAddress("127.0.0.1", port));
        this.broadcast = broadcast;
        setReuseAddr(true);
        setTcpNoDelay(true);
        // Java-WebSocket's pings are its idle check; keep them out of the measurements.
        setConnectionLostTimeout(0);
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        boolean broadcast = args.length > 1 && args[1].equals("broadcast");
        new JavaWebSocketServer(port, broadcast).start();
    }

    @Override
    public void onStart() {
        System.out.println("java-websocket " + (broadcast ? "broadcast" : "echo") + " server on port " + getPort());
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {}

    @Override
    public void onMessage(WebSocket conn, String message) {
        if (broadcast) {
            broadcast(message);
        } else {
            conn.send(message);
        }
    }

    @Override
    public void onMessage(WebSocket conn, ByteBuffer message) {
        conn.send(message);
    }

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {}

    @Override
    public void onError(WebSocket conn, Exception ex) {
        System.err.println("java-websocket error: " + ex);
    }
}
