package org.wsbyhand.benchmarks.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.enums.Role;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.framing.Framedata;
import org.java_websocket.util.Charsetfunctions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.wsbyhand.protocol.Connection;
import org.wsbyhand.protocol.Event;

/**
 * The protocol work of a server's text echo, without sockets: one read's worth of input (8
 * masked 64-byte text frames, as the echo load scenario sends them) is decoded, unmasked,
 * validated as UTF-8 and turned into messages, and each message is answered with an unmasked
 * text frame ready to write. Score is per echoed message. ws-protocol's {@link Connection}
 * (input copied in first, since it unmasks in place), Netty's decoder + UTF-8 validator +
 * encoder in an {@code EmbeddedChannel} with an echo handler, and Java-WebSocket's
 * {@code Draft_6455} (translate, decode the text, create and encode the answer).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class EchoPathBenchmark {

    static final int MESSAGES = 8;
    static final int SIZE = 64;

    private byte[] batch;
    private byte[] work;
    private ByteBuffer workBuffer;
    private Connection connection;
    private EmbeddedChannel netty;
    private Draft_6455 draft;

    @Setup(Level.Trial)
    public void setUp() {
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        for (int i = 0; i < MESSAGES; i++) {
            frames.writeBytes(Frames.maskedTextFrame(Frames.text(SIZE, false)));
        }
        batch = frames.toByteArray();
        work = batch.clone();
        workBuffer = ByteBuffer.wrap(work);
        connection = Connection.builder(org.wsbyhand.protocol.Role.SERVER).build();
        WebSocketDecoderConfig config = WebSocketDecoderConfig.newBuilder()
                .expectMaskedFrames(true)
                .allowExtensions(false)
                .maxFramePayloadLength(1 << 20)
                .build();
        netty = new EmbeddedChannel(new WebSocket08FrameEncoder(false), new WebSocket08FrameDecoder(config),
                new Utf8FrameValidator(), new NettyEcho());
        draft = new Draft_6455();
        draft.setParseMode(Role.SERVER);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        netty.finishAndReleaseAll();
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public void ours(Blackhole bh) {
        System.arraycopy(batch, 0, work, 0, batch.length);
        workBuffer.clear();
        do {
            connection.receive(workBuffer);
            for (Event event; (event = connection.pollEvent()) != null; ) {
                if (event instanceof Event.Text text) {
                    connection.sendText(text.text());
                }
            }
        } while (workBuffer.hasRemaining());
        for (ByteBuffer out; (out = connection.pollOutbound()) != null; ) {
            bh.consume(out);
        }
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public void netty(Blackhole bh) {
        netty.writeInbound(Unpooled.wrappedBuffer(batch));
        for (ByteBuf out; (out = netty.readOutbound()) != null; ) {
            bh.consume(out.readableBytes());
            out.release();
        }
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public void javaWebSocket(Blackhole bh) throws InvalidDataException {
        List<Framedata> frames = draft.translateFrame(ByteBuffer.wrap(batch));
        for (Framedata frame : frames) {
            String text = Charsetfunctions.stringUtf8(frame.getPayloadData());
            for (Framedata answer : draft.createFrames(text, false)) {
                bh.consume(draft.createBinaryFrame(answer));
            }
        }
    }

    /** Writes every decoded frame back and flushes once per read, as the Netty peer server does. */
    private static final class NettyEcho extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }
}
