package org.wsbyhand.benchmarks.peers;

import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.websockets.WebSocketProtocolHandshakeHandler;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedBinaryMessage;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.WebSocketCallback;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import io.undertow.websockets.extensions.PerMessageDeflateHandshake;
import java.nio.ByteBuffer;
import org.xnio.Pooled;

/**
 * Peer: an Undertow 2.4 WebSocket server on Undertow's core API (XNIO, no servlets): a receive
 * listener answers each whole message; a binary echo sends the pooled buffers it received and
 * frees them when the send completes; a broadcast sends to every peer connection of the endpoint.
 * Usage: {@code UndertowServer PORT [echo|broadcast] [tls] [deflate]} (see {@link ServerArgs}):
 * {@code tls} makes the listener an HTTPS listener with {@link BenchTls}'s context; {@code deflate}
 * adds Undertow's {@code PerMessageDeflateHandshake} (its defaults) to the handshake handler.
 */
public final class UndertowServer {

    private UndertowServer() {}

    public static void main(String[] args) {
        ServerArgs options = ServerArgs.parse("UndertowServer", args).withoutWindow("UndertowServer");
        boolean broadcast = options.broadcast();
        WebSocketProtocolHandshakeHandler websocket = Handlers.websocket((exchange, channel) -> {
            channel.getReceiveSetter().set(broadcast ? new Broadcast() : new Echo());
            channel.resumeReceives();
        });
        if (options.deflate()) {
            websocket.addExtension(new PerMessageDeflateHandshake());
        }
        Undertow.Builder builder = Undertow.builder().setHandler(websocket);
        if (options.tls()) {
            builder.addHttpsListener(options.port(), "127.0.0.1", BenchTls.context("UndertowServer"));
        } else {
            builder.addHttpListener(options.port(), "127.0.0.1");
        }
        builder.build().start();
        System.out.println("undertow " + options.describe() + " server on " + options.scheme() + "://127.0.0.1:" + options.port());
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
