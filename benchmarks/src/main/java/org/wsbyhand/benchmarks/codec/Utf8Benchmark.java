package org.wsbyhand.benchmarks.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.java_websocket.util.Charsetfunctions;
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
import org.openjdk.jmh.annotations.Warmup;
import org.wsbyhand.protocol.Utf8Validator;

/**
 * Validating a text payload as UTF-8 (RFC 6455 section 8.1) with ws-protocol's
 * {@link Utf8Validator}, Netty's {@code ByteBufUtil.isText(buf, UTF_8)}, Java-WebSocket's
 * {@code Charsetfunctions.isValidUTF8} and the JDK's strict decoder (which also decodes, so it
 * is an upper bound rather than a peer).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class Utf8Benchmark {

    @Param({"ascii", "mixed"})
    public String text;

    @Param({"125", "65536"})
    public int size;

    private byte[] bytes;
    private ByteBuf nettyBuffer;
    private Utf8Validator validator;
    private CharsetDecoder jdk;

    @Setup(Level.Trial)
    public void setUp() {
        bytes = Frames.text(size, text.equals("mixed"));
        if (!Utf8Validator.isValid(bytes, 0, bytes.length)) {
            throw new IllegalStateException("benchmark input is not valid UTF-8");
        }
        nettyBuffer = Unpooled.wrappedBuffer(bytes);
        validator = new Utf8Validator();
        jdk = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    @Benchmark
    public boolean ours() {
        validator.reset();
        return validator.feed(bytes, 0, bytes.length) && validator.isComplete();
    }

    @Benchmark
    public boolean netty() {
        return ByteBufUtil.isText(nettyBuffer, StandardCharsets.UTF_8);
    }

    @Benchmark
    public boolean javaWebSocket() {
        return Charsetfunctions.isValidUTF8(ByteBuffer.wrap(bytes));
    }

    @Benchmark
    public Object jdkDecoder() throws CharacterCodingException {
        return jdk.reset().decode(ByteBuffer.wrap(bytes));
    }
}
