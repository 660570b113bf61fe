package org.wsbyhand.benchmarks.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.enums.Role;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.framing.Framedata;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.wsbyhand.protocol.FrameDecoder;
import org.wsbyhand.protocol.FrameSink;
import org.wsbyhand.protocol.Opcode;
import org.wsbyhand.protocol.ProtocolException;

/**
 * Decoding one masked client frame (a server's receive path: parse the header, unmask the
 * payload) with ws-protocol's {@link FrameDecoder}, Netty's {@code WebSocket08FrameDecoder} and
 * Java-WebSocket's {@code Draft_6455}, on identical bytes; {@code arraycopy} of the whole frame is
 * the physical floor. Binary frames, so no implementation spends time on UTF-8 here.
 *
 * <p>Our decoder unmasks in place, so its input must be refilled with masked bytes before each
 * decode: {@code oursRefillAndDecode} pays that copy (one {@code arraycopy} of the frame), and
 * {@code oursDecode} decodes the same buffer again without refilling, which does identical work
 * (the header is not changed; the payload is toggled between masked and plain, which costs the
 * same). Netty and Java-WebSocket copy the payload into a new buffer as part of decoding.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class DecodeBenchmark {

    @Param({"16", "125", "1024", "65536", "1048576"})
    public int size;

    private byte[] frame;
    private byte[] work;
    private ByteBuffer workBuffer;
    private FrameDecoder decoder;
    private ConsumingSink sink;
    private EmbeddedChannel netty;
    private Draft_6455 draft;

    @Setup(Level.Trial)
    public void setUp() {
        frame = Frames.maskedBinaryFrame(Frames.payload(size));
        work = frame.clone();
        workBuffer = ByteBuffer.wrap(work);
        decoder = new FrameDecoder(org.wsbyhand.protocol.Role.SERVER, 2 << 20);
        sink = new ConsumingSink();
        WebSocketDecoderConfig config = WebSocketDecoderConfig.newBuilder()
                .expectMaskedFrames(true)
                .allowMaskMismatch(false)
                .allowExtensions(false)
                .maxFramePayloadLength(2 << 20)
                .build();
        netty = new EmbeddedChannel(new WebSocket08FrameDecoder(config));
        draft = new Draft_6455();
        draft.setParseMode(Role.SERVER);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        netty.finishAndReleaseAll();
    }

    /** The floor: copying the frame's bytes once. */
    @Benchmark
    public byte[] arraycopy() {
        System.arraycopy(frame, 0, work, 0, frame.length);
        return work;
    }

    @Benchmark
    public long oursDecode() throws ProtocolException {
        workBuffer.clear();
        decoder.decode(workBuffer, sink);
        return sink.checksum;
    }

    @Benchmark
    public long oursRefillAndDecode() throws ProtocolException {
        System.arraycopy(frame, 0, work, 0, frame.length);
        workBuffer.clear();
        decoder.decode(workBuffer, sink);
        return sink.checksum;
    }

    @Benchmark
    public void netty(Blackhole bh) {
        netty.writeInbound(Unpooled.wrappedBuffer(frame));
        WebSocketFrame decoded;
        while ((decoded = netty.readInbound()) != null) {
            ByteBuf content = decoded.content();
            bh.consume(content.getByte(content.readerIndex() + content.readableBytes() - 1));
            decoded.release();
        }
    }

    @Benchmark
    public void javaWebSocket(Blackhole bh) throws InvalidDataException {
        List<Framedata> frames = draft.translateFrame(ByteBuffer.wrap(frame));
        for (Framedata f : frames) {
            ByteBuffer payload = f.getPayloadData();
            bh.consume(payload.get(payload.limit() - 1));
        }
    }

    /** Touches the last unmasked byte of every chunk so the unmasking cannot be optimised away. */
    static final class ConsumingSink implements FrameSink {
        long checksum;

        @Override
        public void frameStart(boolean fin, int rsv, Opcode opcode, long length) {
            checksum += length;
        }

        @Override
        public void framePayload(byte[] bytes, int offset, int length) {
            checksum += bytes[offset + length - 1];
        }

        @Override
        public boolean frameEnd() {
            return true;
        }
    }
}
