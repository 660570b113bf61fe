package org.wsbyhand.benchmarks.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketClientCompressionHandler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Opens WebSocket client connections with Netty (NIO transport, so it runs anywhere): HTTP
 * upgrade, then masked frames; continuation frames are reassembled before the application
 * handler sees a message. Independent of ws-by-hand's own code, so it can measure our server and
 * the peers alike. With {@code compression} it offers permessage-deflate (Netty's compression
 * handler) and compresses what it sends when the server agrees.
 */
final class WsClients implements AutoCloseable {

    /** Largest message the client accepts (the bulk scenario echoes 1 MiB). */
    static final int MAX_MESSAGE = 4 << 20;

    private final EventLoopGroup group;
    private final URI uri;
    private final InetSocketAddress remote;
    private final boolean compression;

    WsClients(String host, int port, String path, int threads) {
        this(host, port, path, threads, false);
    }

    WsClients(String host, int port, String path, int threads, boolean compression) {
        this.compression = compression;
        this.group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
        this.uri = URI.create("ws://" + host + ":" + port + path);
        this.remote = new InetSocketAddress(host, port);
    }

    /**
     * Connects from {@code localAddress} (null: any) and completes with the channel once the
     * opening handshake is done, or exceptionally on failure or after 15 s.
     */
    CompletableFuture<Channel> connect(String localAddress, Supplier<ChannelHandler> application) {
        CompletableFuture<Channel> ready = new CompletableFuture<>();
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(uri)
                .maxFramePayloadLength(MAX_MESSAGE)
                .handshakeTimeoutMillis(15_000)
                .dropPongFrames(true)
                .withUTF8Validator(false) // every message's bytes are compared with what was sent
                .allowExtensions(compression)
                .build();
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 15_000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(64 * 1024));
                        if (compression) {
                            ch.pipeline().addLast(new WebSocketClientCompressionHandler(MAX_MESSAGE));
                        }
                        ch.pipeline().addLast(
                                new WebSocketClientProtocolHandler(config),
                                new WebSocketFrameAggregator(MAX_MESSAGE),
                                new HandshakeWatcher(ready),
                                application.get());
                    }
                });
        var future = localAddress == null
                ? bootstrap.connect(remote)
                : bootstrap.connect(remote, new InetSocketAddress(localAddress, 0));
        future.addListener(f -> {
            if (!f.isSuccess()) {
                ready.completeExceptionally(f.cause());
            }
        });
        return ready.orTimeout(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    /** Completes the connection's future when Netty reports the handshake's outcome. */
    private static final class HandshakeWatcher extends ChannelInboundHandlerAdapter {
        private final CompletableFuture<Channel> ready;

        HandshakeWatcher(CompletableFuture<Channel> ready) {
            this.ready = ready;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                ready.complete(ctx.channel());
            } else if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
                ready.completeExceptionally(new IllegalStateException("handshake timeout"));
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            ready.completeExceptionally(new IllegalStateException("closed before the handshake completed"));
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ready.completeExceptionally(cause);
            ctx.fireExceptionCaught(cause);
        }
    }
}
