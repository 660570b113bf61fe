package org.wsbyhand.client;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketServerCompressionHandler;
import io.netty.util.AttributeKey;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Netty peer of {@link PeerServer}, in this JVM: Netty's HTTP codec, its permessage-deflate
 * handler ({@code WebSocketServerCompressionHandler}), {@code WebSocketServerProtocolHandler} and a
 * frame aggregator, on 127.0.0.1 and an ephemeral port. It speaks the protocol every peer speaks
 * (see {@link PeerServer}); it handles close frames itself (instead of the protocol handler), to
 * record the code and reason each connection received.
 */
final class NettyPeer extends PeerServer {
    private static final int MAX_MESSAGE = 64 << 20;
    private static final AttributeKey<String> EXTENSIONS = AttributeKey.valueOf("agreedExtensions");
    private static final AttributeKey<String> ID = AttributeKey.valueOf("connectionId");
    private static final AttributeKey<Boolean> CLOSE_SENT = AttributeKey.valueOf("closeSent");

    private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final Map<String, String> closes = new ConcurrentHashMap<>();
    private final Channel listener;

    NettyPeer() throws InterruptedException {
        super("Netty 4.2.17.Final");
        WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/")
                .checkStartsWith(true)
                .maxFramePayloadLength(MAX_MESSAGE)
                .allowExtensions(true)
                .handleCloseFrames(false)
                .dropPongFrames(false)
                .build();
        try {
            listener = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024),
                                    new ExtensionsSpy(), new WebSocketServerCompressionHandler(0),
                                    new WebSocketServerProtocolHandler(config), new WebSocketFrameAggregator(MAX_MESSAGE),
                                    new Echo());
                        }
                    })
                    .bind("127.0.0.1", 0).sync().channel();
        } catch (InterruptedException | RuntimeException e) {
            shutDown();
            throw e;
        }
    }

    @Override
    int port() {
        return ((java.net.InetSocketAddress) listener.localAddress()).getPort();
    }

    @Override
    public void close() {
        listener.close().awaitUninterruptibly(10_000);
        shutDown();
    }

    private void shutDown() {
        boss.shutdownGracefully(0, 5, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly(15_000);
        workers.shutdownGracefully(0, 5, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly(15_000);
    }

    /** Keeps the Sec-WebSocket-Extensions of the 101 response (after the compression handler added it). */
    private static final class ExtensionsSpy extends ChannelOutboundHandlerAdapter {
        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
            if (msg instanceof HttpResponse response && response.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
                String agreed = response.headers().get(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS);
                ctx.channel().attr(EXTENSIONS).set(agreed == null ? "" : agreed);
            }
            super.write(ctx, msg, promise);
        }
    }

    /** Echoes data messages and carries out the peer protocol's commands. */
    private final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete complete) {
                List<String> id = new QueryStringDecoder(complete.requestUri()).parameters().get("id");
                if (id != null && !id.isEmpty()) {
                    ctx.channel().attr(ID).set(id.get(0));
                }
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof BinaryWebSocketFrame) {
                ctx.writeAndFlush(msg);
            } else if (msg instanceof TextWebSocketFrame frame) {
                String text = frame.text();
                if (PeerServer.isCommand(text)) {
                    frame.release();
                    command(ctx, text);
                } else {
                    ctx.writeAndFlush(frame);
                }
            } else if (msg instanceof PongWebSocketFrame pong) {
                String payload = pong.content().toString(StandardCharsets.UTF_8);
                pong.release();
                ctx.writeAndFlush(new TextWebSocketFrame("pong:" + payload));
            } else if (msg instanceof CloseWebSocketFrame close) {
                int code = close.statusCode();
                String reason = close.reasonText();
                String id = ctx.channel().attr(ID).get();
                if (id != null) {
                    closes.put(id, (code == -1 ? 1005 : code) + ":" + reason);
                }
                if (Boolean.TRUE.equals(ctx.channel().attr(CLOSE_SENT).get())) {
                    close.release();
                    ctx.close();
                } else {
                    // Echo the close frame (its code and reason), then end the TCP connection.
                    ctx.channel().attr(CLOSE_SENT).set(true);
                    ctx.writeAndFlush(close).addListener(ChannelFutureListener.CLOSE);
                }
            } else if (msg instanceof WebSocketFrame frame) {
                frame.release();
            }
        }

        private void command(ChannelHandlerContext ctx, String text) {
            if (text.startsWith("close:")) {
                String[] parts = text.split(":", 3);
                ctx.channel().attr(CLOSE_SENT).set(true);
                ctx.writeAndFlush(new CloseWebSocketFrame(Integer.parseInt(parts[1]), parts[2]));
            } else if (text.startsWith("ping:")) {
                ctx.writeAndFlush(new PingWebSocketFrame(Unpooled.copiedBuffer(text.substring(5), StandardCharsets.UTF_8)));
            } else if (text.startsWith("fragments:")) {
                String[] parts = text.split(":", 3);
                List<String> pieces = PeerServer.pieces(parts[2], Integer.parseInt(parts[1]));
                for (int i = 0; i < pieces.size(); i++) {
                    boolean last = i == pieces.size() - 1;
                    ByteBuf piece = Unpooled.copiedBuffer(pieces.get(i), StandardCharsets.UTF_8);
                    ctx.write(i == 0 ? new TextWebSocketFrame(last, 0, piece) : new ContinuationWebSocketFrame(last, 0, piece));
                }
                ctx.flush();
            } else if (text.equals("extensions?")) {
                String agreed = ctx.channel().attr(EXTENSIONS).get();
                ctx.writeAndFlush(new TextWebSocketFrame("extensions:" + (agreed == null ? "" : agreed)));
            } else if (text.startsWith("closed?")) {
                String asked = text.substring(7);
                ctx.writeAndFlush(new TextWebSocketFrame("closed:" + asked + ":" + closes.getOrDefault(asked, "")));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            String id = ctx.channel().attr(ID).get();
            if (id != null) {
                closes.putIfAbsent(id, "1006:");
            }
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
