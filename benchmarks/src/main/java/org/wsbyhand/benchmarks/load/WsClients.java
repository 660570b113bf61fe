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
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketClientCompressionHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;

/**
 * Opens WebSocket client connections with Netty (NIO transport, so it runs anywhere): HTTP
 * upgrade, then masked frames; continuation frames are reassembled before the application
 * handler sees a message. Independent of ws-by-hand's own code, so it can measure our server and
 * the peers alike. With {@code compression} it offers permessage-deflate (Netty's compression
 * handler) and compresses what it sends when the server agrees; {@link #compressed} tells whether
 * the server's 101 agreed. With {@code tls} it speaks {@code wss://}: an {@code SslHandler} of
 * Netty's JDK provider (SunJSSE), TLS 1.3 only, trusting any certificate without a host check and
 * sending no SNI, because the server is the benchmark's own, with a self-signed key, on loopback.
 */
final class WsClients implements AutoCloseable {

    /** Largest message the client accepts (the bulk scenario echoes 1 MiB). */
    static final int MAX_MESSAGE = 4 << 20;

    private final EventLoopGroup group;
    private final URI uri;
    private final InetSocketAddress remote;
    private final boolean compression;
    private final SslContext tls;
    /** Whether the first upgrade response's extensions have been logged. */
    private final AtomicBoolean extensionsLogged = new AtomicBoolean();

    /** Plain {@code ws://} without compression. */
    WsClients(String host, int port, String path, int threads) {
        this(host, port, path, threads, false, false);
    }

    WsClients(String host, int port, String path, int threads, boolean compression, boolean tls) {
        this.compression = compression;
        this.tls = tls ? clientTls() : null;
        this.group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
        this.uri = URI.create((tls ? "wss://" : "ws://") + host + ":" + port + path);
        this.remote = new InetSocketAddress(host, port);
    }

    /**
     * The clients every scenario opens, from the options {@code --host 127.0.0.1 --port 8080 --path /
     * --threads 2 --compress false --tls false}.
     */
    static WsClients from(Options options) {
        return new WsClients(options.string("host", "127.0.0.1"), options.integer("port", 8080),
                options.string("path", "/"), options.integer("threads", 2),
                options.bool("compress", false), options.bool("tls", false));
    }

    private static SslContext clientTls() {
        try {
            return SslContextBuilder.forClient()
                    .sslProvider(SslProvider.JDK)
                    .protocols("TLSv1.3")
                    .trustManager(InsecureTrustManagerFactory.INSTANCE)
                    .endpointIdentificationAlgorithm(null) // Netty 4.2 checks the host name by default
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot set up the client's TLS", e);
        }
    }

    /**
     * Whether the server's 101 response of this channel agreed to permessage-deflate (false when it
     * was not offered).
     */
    static boolean compressed(Channel channel) {
        String agreed = channel.attr(Upgrade101.EXTENSIONS).get();
        return agreed != null && agreed.toLowerCase(Locale.ROOT).contains("permessage-deflate");
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
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc())); // no peer host: no SNI
                        }
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(64 * 1024),
                                new Upgrade101(compression ? extensionsLogged : null));
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

    /**
     * Keeps the Sec-WebSocket-Extensions header of the server's upgrade response on the channel,
     * then leaves the pipeline. It sits before Netty's compression handler, which consumes the header.
     * The first answer of a run goes to stderr too (when compression is offered), so a log shows
     * what the server agreed to.
     */
    private static final class Upgrade101 extends ChannelInboundHandlerAdapter {
        static final AttributeKey<String> EXTENSIONS = AttributeKey.valueOf(Upgrade101.class, "extensions");

        private final AtomicBoolean logged;

        Upgrade101(AtomicBoolean logged) {
            this.logged = logged;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (msg instanceof HttpResponse response) {
                String extensions = response.headers().get(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS);
                ctx.channel().attr(EXTENSIONS).set(extensions);
                if (logged != null && logged.compareAndSet(false, true)) {
                    System.err.println("server's Sec-WebSocket-Extensions: " + extensions);
                }
                ctx.pipeline().remove(this);
            }
            super.channelRead(ctx, msg);
        }
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
