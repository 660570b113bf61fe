package org.wsbyhand.benchmarks.peers;

import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedBinaryMessage;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.WebSocketCallback;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.nio.ByteBuffer;
import org.xnio.Pooled;

/**
 * Peer: an Undertow 2.4 WebSocket server on Undertow's core API (XNIO, no servlets): a receive
 * listener answers each whole message; a binary echo sends the pooled buffers it received and
 * frees them when the send completes; a broadcast sends to every peer connection of the endpoint.
 * Usage: {@code UndertowServer PORT [echo|broadcast]}.
 */
public final class UndertowServer {

    private UndertowServer() {}

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        boolean broadcast = args.length > 1 && args[1].equals("broadcast");
        Undertow server = Undertow.builder()
                .addHttpListener(port, "127.0.0.1")
                .setHandler(Handlers.websocket((exchange, channel) -> {
                    channel.getReceiveSetter().set(broadcast ? new Broadcast() : new Echo());
                    channel.resumeReceives();
                }))
                .build();
        server.start();
        System.out.println("undertow " + (broadcast ? "broadcast" : "echo") + " server on port " + port);
    }

    /** Sends every message back on the same connection. */
    private static final class Echo extends AbstractReceiveListener {
        @Override
        protected void onFullTextMessage(WebSocketChannel channel, BufferedTextMessage message) {
            WebSockets.sendText(message.getData(), channel, null);
        }

        @Override
        protected void onFullBinaryMessage(WebSocketChannel channel, BufferedBinaryMessage message) {
            Pooled<ByteBuffer[]> data = message.getData();
            WebSockets.sendBinary(data.getResource(), channel, new WebSocketCallback<Void>() {
                @Override
                public void complete(WebSocketChannel ch, Void context) {
                    data.free();
                }

                @Override
                public void onError(WebSocketChannel ch, Void context, Throwable throwable) {
                    data.free();
                }
            });
        }

        @Override
        protected long getMaxBinaryBufferSize() {
            return PeerLimits.MAX_MESSAGE;
        }

        @Override
        protected long getMaxTextBufferSize() {
            return PeerLimits.MAX_MESSAGE;
        }
    }

    /** Sends every text message to every open connection of the endpoint. */
    private static final class Broadcast extends AbstractReceiveListener {
        @Override
        protected void onFullTextMessage(WebSocketChannel channel, BufferedTextMessage message) {
            String text = message.getData();
            for (WebSocketChannel peer : channel.getPeerConnections()) {
                WebSockets.sendText(text, peer, null);
            }
        }
    }
}
