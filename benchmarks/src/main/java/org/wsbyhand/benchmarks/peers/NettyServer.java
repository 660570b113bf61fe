package org.wsbyhand.benchmarks.peers;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelMatchers;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketServerCompressionHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.GlobalEventExecutor;
import javax.net.ssl.SSLException;

/**
 * Peer: a Netty 4.2 WebSocket server (NIO transport, {@code WebSocketServerProtocolHandler} with
 * its default UTF-8 validation) written the idiomatic fast way: an echo writes the received frame
 * object back and flushes once per read batch; a broadcast writes one frame to a channel group
 * (with void promises), which shares the payload among recipients. Usage:
 * {@code NettyServer PORT [echo|broadcast] [tls] [deflate]} (see {@link ServerArgs}): {@code tls}
 * puts an {@code SslHandler} of Netty's JDK provider (SunJSSE's engine, TLS 1.3 only) first;
 * {@code deflate} adds Netty's {@code WebSocketServerCompressionHandler} (permessage-deflate, zlib
 * through {@code java.util.zip}).
 */
public final class NettyServer {

    private NettyServer() {}

    public static void main(String[] args) throws InterruptedException, SSLException {
        ServerArgs options = ServerArgs.parse("NettyServer", args).withoutWindow("NettyServer");
        boolean broadcast = options.broadcast();
        boolean deflate = options.deflate();
        SslContext tls = options.tls()
                ? SslContextBuilder.forServer(BenchTls.keyManagers("NettyServer"))
                        .sslProvider(SslProvider.JDK)
                        .protocols(BenchTls.PROTOCOL)
                        .build()
                : null;
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        ChannelGroup everyone = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/")
                .checkStartsWith(true)
                .maxFramePayloadLength(PeerLimits.MAX_MESSAGE)
                .allowExtensions(deflate)
                .build();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024));
                        if (deflate) {
                            ch.pipeline().addLast(new WebSocketServerCompressionHandler(0));
                        }
                        ch.pipeline().addLast(new WebSocketServerProtocolHandler(config),
                                broadcast ? new Broadcast(everyone) : new Echo());
                    }
                });
        bootstrap.bind("127.0.0.1", options.port()).sync();
        System.out.println("netty " + options.describe() + " server on " + options.scheme() + "://127.0.0.1:" + options.port());
    }

    /** Sends every data frame back on the same connection. */
    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame) {
                ctx.write(msg);
            } else {
                ((WebSocketFrame) msg).release();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }

    /** Sends every text frame to every connection. */
    private static final class Broadcast extends ChannelInboundHandlerAdapter {
        private final ChannelGroup everyone;

        Broadcast(ChannelGroup everyone) {
            this.everyone = everyone;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                everyone.add(ctx.channel());
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof TextWebSocketFrame) {
                // Void promises: no per-message group future, which Netty's docs suggest when nobody
                // waits for the outcome.
                everyone.writeAndFlush(msg, ChannelMatchers.all(), true);
            } else {
                ((WebSocketFrame) msg).release();
            }
        }
    }
}
