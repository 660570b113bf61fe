package org.wsbyhand.benchmarks.load;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.WebSocketHandler;

/**
 * Client throughput: the same echo load driven by four clients in turn, each in a JVM of its own
 * against the same server, so that the process CPU is the client's. {@code ClientBench CLIENT URL
 * CONNECTIONS INFLIGHT SIZE WARMUP SECONDS [text|binary]} with CLIENT one of {@code ours},
 * {@code netty}, {@code jdk}, {@code java-websocket}; prints one line {@code client=... msgs_per_s=...
 * mb_per_s=... client_cpu_us_per_msg=...}. Each connection keeps INFLIGHT messages of SIZE bytes
 * in flight and sends the next when an echo arrives; compression is off for every client (the JDK
 * client has none), so the comparison is of the WebSocket machinery alone.
 */
public final class ClientBench {

    /** One connection's way to send; thread-safe. */
    private interface Link {
        void send(byte[] payload, boolean binary);

        void close();
    }

    /** Called with every echo. */
    private interface Echoes {
        void arrived(Link link);
    }

    private final byte[] payload;
    private final boolean binary;
    private final LongAdder counted = new LongAdder();
    private volatile boolean measuring;
    private volatile boolean stopping;

    private ClientBench(int size, boolean binary) {
        this.payload = new byte[size];
        for (int i = 0; i < size; i++) {
            payload[i] = (byte) ('a' + i % 26);
        }
        this.binary = binary;
    }

    public static void main(String[] args) throws Exception {
        String client = args[0];
        URI uri = URI.create(args[1]);
        int connections = Integer.parseInt(args[2]);
        int inflight = Integer.parseInt(args[3]);
        int size = Integer.parseInt(args[4]);
        double warmup = Double.parseDouble(args[5]);
        double seconds = Double.parseDouble(args[6]);
        boolean binary = args.length > 7 && args[7].equals("binary");
        new ClientBench(size, binary).run(client, uri, connections, inflight, warmup, seconds);
        System.exit(0);
    }

    private void run(String client, URI uri, int connections, int inflight, double warmup, double seconds)
            throws Exception {
        Echoes echoes = link -> {
            if (measuring) {
                counted.increment();
            }
            if (!stopping) {
                link.send(payload, binary);
            }
        };
        List<Link> links = new ArrayList<>();
        try (AutoCloseable opened = open(client, uri, connections, echoes, links)) {
            for (Link link : links) {
                for (int i = 0; i < inflight; i++) {
                    link.send(payload, binary);
                }
            }
            Thread.sleep((long) (warmup * 1000));
            long cpu0 = cpuNanos();
            long t0 = System.nanoTime();
            measuring = true;
            Thread.sleep((long) (seconds * 1000));
            measuring = false;
            long elapsed = System.nanoTime() - t0;
            long cpu = cpuNanos() - cpu0;
            stopping = true;
            long messages = counted.sum();
            double secs = elapsed / 1e9;
            System.out.printf("client=%s connections=%d inflight=%d size=%d msgs_per_s=%.0f mb_per_s=%.1f "
                    + "client_cpu_us_per_msg=%.2f client_cpu_cores=%.2f%n", client, connections, inflight,
                    payload.length, messages / secs, messages * (double) payload.length / secs / 1e6,
                    messages == 0 ? -1 : cpu / 1e3 / messages, cpu / (double) elapsed);
            Thread.sleep(200);
            links.forEach(Link::close);
        }
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private AutoCloseable open(String client, URI uri, int connections, Echoes echoes, List<Link> links)
            throws Exception {
        return switch (client) {
            case "ours" -> ours(uri, connections, echoes, links);
            case "jdk" -> jdk(uri, connections, echoes, links);
            case "java-websocket" -> javaWebSocket(uri, connections, echoes, links);
            case "netty" -> netty(uri, connections, echoes, links);
            default -> throw new IllegalArgumentException("unknown client " + client);
        };
    }

    private AutoCloseable ours(URI uri, int connections, Echoes echoes, List<Link> links) throws Exception {
        org.wsbyhand.client.WebSocketClient client = org.wsbyhand.client.WebSocketClient.builder()
                .compression(false).maxMessageSize(WsClients.MAX_MESSAGE).maxFrameSize(WsClients.MAX_MESSAGE)
                .maxOutboundBytes(64L << 20).build();
        for (int i = 0; i < connections; i++) {
            Link[] self = new Link[1];
            Session session = client.connect(uri, new WebSocketHandler() {
                @Override
                public void onText(Session s, String text) {
                    echoes.arrived(self[0]);
                }

                @Override
                public void onBinary(Session s, byte[] data) {
                    echoes.arrived(self[0]);
                }
            });
            self[0] = new Link() {
                @Override
                public void send(byte[] payload, boolean binary) {
                    if (binary) {
                        session.sendBinary(payload);
                    } else {
                        session.sendText(new String(payload, StandardCharsets.US_ASCII));
                    }
                }

                @Override
                public void close() {
                    session.close();
                }
            };
            links.add(self[0]);
        }
        return client;
    }

    private AutoCloseable jdk(URI uri, int connections, Echoes echoes, List<Link> links) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < connections; i++) {
            JdkLink link = new JdkLink();
            WebSocket socket = http.newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                    if (last) {
                        echoes.arrived(link);
                    }
                    ws.request(1);
                    return null;
                }

                @Override
                public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
                    if (last) {
                        echoes.arrived(link);
                    }
                    ws.request(1);
                    return null;
                }
            }).get(20, TimeUnit.SECONDS);
            link.opened(socket);
            links.add(link);
        }
        return () -> {};
    }

    /** The JDK's WebSocket takes one send at a time: later sends are chained behind the previous. */
    private static final class JdkLink implements Link {
        private CompletableFuture<WebSocket> tail;
        private WebSocket socket;

        synchronized void opened(WebSocket socket) {
            this.socket = socket;
            this.tail = CompletableFuture.completedFuture(socket);
        }

        @Override
        public synchronized void send(byte[] payload, boolean binary) {
            tail = tail.thenCompose(ws -> binary ? ws.sendBinary(ByteBuffer.wrap(payload), true)
                    : ws.sendText(new String(payload, StandardCharsets.US_ASCII), true));
        }

        @Override
        public synchronized void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "");
        }
    }

    private AutoCloseable javaWebSocket(URI uri, int connections, Echoes echoes, List<Link> links)
            throws Exception {
        for (int i = 0; i < connections; i++) {
            Link[] self = new Link[1];
            org.java_websocket.client.WebSocketClient socket = new org.java_websocket.client.WebSocketClient(uri) {
                @Override
                public void onOpen(org.java_websocket.handshake.ServerHandshake handshake) {}

                @Override
                public void onMessage(String message) {
                    echoes.arrived(self[0]);
                }

                @Override
                public void onMessage(ByteBuffer bytes) {
                    echoes.arrived(self[0]);
                }

                @Override
                public void onClose(int code, String reason, boolean remote) {}

                @Override
                public void onError(Exception e) {
                    System.err.println("java-websocket: " + e);
                }
            };
            socket.setTcpNoDelay(true);
            if (!socket.connectBlocking(20, TimeUnit.SECONDS)) {
                throw new IllegalStateException("java-websocket did not connect");
            }
            self[0] = new Link() {
                @Override
                public void send(byte[] payload, boolean binary) {
                    if (binary) {
                        socket.send(payload);
                    } else {
                        socket.send(new String(payload, StandardCharsets.US_ASCII));
                    }
                }

                @Override
                public void close() {
                    socket.close();
                }
            };
            links.add(self[0]);
        }
        return () -> {};
    }

    private AutoCloseable netty(URI uri, int connections, Echoes echoes, List<Link> links) throws Exception {
        int port = uri.getPort();
        WsClients clients = new WsClients(uri.getHost(), port, uri.getRawPath().isEmpty() ? "/" : uri.getRawPath(),
                Integer.getInteger("threads", 2));
        for (int i = 0; i < connections; i++) {
            NettyLink link = new NettyLink(echoes);
            Channel channel = clients.connect(null, () -> link).get(20, TimeUnit.SECONDS);
            link.channel = channel;
            links.add(link);
        }
        return clients;
    }

    /** A Netty connection: sends from other threads go through its event loop; one flush per read batch. */
    private static final class NettyLink extends ChannelInboundHandlerAdapter implements Link {
        private final Echoes echoes;
        private volatile Channel channel;
        private ChannelHandlerContext context;

        NettyLink(Echoes echoes) {
            this.echoes = echoes;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.context = ctx;
        }

        @Override
        public void send(byte[] payload, boolean binary) {
            WebSocketFrame frame = binary ? new BinaryWebSocketFrame(Unpooled.wrappedBuffer(payload))
                    : new TextWebSocketFrame(Unpooled.wrappedBuffer(payload));
            if (context.executor().inEventLoop()) {
                context.write(frame);
            } else {
                channel.writeAndFlush(frame);
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ((WebSocketFrame) msg).release();
            if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame) {
                echoes.arrived(this);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void close() {
            channel.close();
        }
    }
}
