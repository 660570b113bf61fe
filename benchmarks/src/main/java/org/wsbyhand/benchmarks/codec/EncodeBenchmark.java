package org.wsbyhand.benchmarks.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.enums.Role;
import org.java_websocket.framing.BinaryFrame;
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
import org.wsbyhand.protocol.FrameEncoder;
import org.wsbyhand.protocol.MaskKeys;
import org.wsbyhand.protocol.Masking;
import org.wsbyhand.protocol.Opcode;

/**
 * Encoding one masked binary frame (a client's send path: header, fresh mask key, masked copy of
 * the payload) with ws-protocol's {@link FrameEncoder} and {@link Masking}, Netty's
 * {@code WebSocket08FrameEncoder} and Java-WebSocket's {@code Draft_6455} in client mode;
 * {@code arraycopy} of the payload is the floor. Each implementation draws its mask key its own
 * way (ours from a SecureRandom pool, Netty from a thread-local random, Java-WebSocket from a
 * SecureRandom).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class EncodeBenchmark {

    @Param({"16", "125", "1024", "65536", "1048576"})
    public int size;

    private byte[] payload;
    private byte[] out;
    private MaskKeys keys;
    private EmbeddedChannel netty;
    private Draft_6455 draft;

    @Setup(Level.Trial)
    public void setUp() {
        payload = Frames.payload(size);
        out = new byte[FrameEncoder.MAX_HEADER_LENGTH + size];
        keys = MaskKeys.secureRandom();
        netty = new EmbeddedChannel(new WebSocket08FrameEncoder(true));
        draft = new Draft_6455();
        draft.setParseMode(Role.CLIENT);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        netty.finishAndReleaseAll();
    }

    /** The floor: copying the payload once. */
    @Benchmark
    public byte[] arraycopy() {
        System.arraycopy(payload, 0, out, 0, payload.length);
        return out;
    }

    /** The allocating API: one new array holding header and masked payload. */
    @Benchmark
    public byte[] ours() {
        return FrameEncoder.encode(true, 0, Opcode.BINARY, ByteBuffer.wrap(payload), true, keys.next());
    }

    /** The building blocks into a reused buffer: header, copy, mask in place. */
    @Benchmark
    public byte[] oursIntoReusedBuffer() {
        int key = keys.next();
        int header = FrameEncoder.writeHeader(out, 0, true, 0, Opcode.BINARY, size, true, key);
        System.arraycopy(payload, 0, out, header, size);
        Masking.mask(out, header, size, key, 0);
        return out;
    }

    @Benchmark
    public void netty(Blackhole bh) {
        netty.writeOutbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(payload)));
        ByteBuf encoded;
        while ((encoded = netty.readOutbound()) != null) {
            bh.consume(encoded.getByte(encoded.writerIndex() - 1));
            encoded.release();
        }
    }

    @Benchmark
    public ByteBuffer javaWebSocket() {
        BinaryFrame frame = new BinaryFrame();
        frame.setPayload(ByteBuffer.wrap(payload));
        return draft.createBinaryFrame(frame);
    }
}
