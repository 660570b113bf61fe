package org.wsbyhand.benchmarks.codec;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.exceptions.InvalidHandshakeException;
import org.java_websocket.handshake.Handshakedata;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.wsbyhand.protocol.Limits;
import org.wsbyhand.protocol.handshake.HandshakeException;
import org.wsbyhand.protocol.handshake.HttpHeadParser;
import org.wsbyhand.protocol.handshake.HttpRequest;
import org.wsbyhand.protocol.handshake.ServerHandshake;

/**
 * Parsing a browser's opening handshake request (the one Chromium sends, 12 header fields,
 * about 500 bytes) with ws-protocol's {@link HttpHeadParser}, Netty's {@code HttpRequestDecoder}
 * and Java-WebSocket's {@code Draft_6455.translateHandshake}; {@code oursParseAndAccept} also
 * validates the request and builds the 101 response bytes (SHA-1 and Base64 of the key included).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class HandshakeBenchmark {

    static final String REQUEST = "GET /chat?room=lobby HTTP/1.1\r\n"
            + "Host: localhost:8080\r\n"
            + "Connection: Upgrade\r\n"
            + "Pragma: no-cache\r\n"
            + "Cache-Control: no-cache\r\n"
            + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36\r\n"
            + "Upgrade: websocket\r\n"
            + "Origin: http://localhost:8080\r\n"
            + "Sec-WebSocket-Version: 13\r\n"
            + "Accept-Encoding: gzip, deflate, br, zstd\r\n"
            + "Accept-Language: en-US,en;q=0.9\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
            + "\r\n";

    private byte[] request;
    private Limits limits;
    private ServerHandshake handshake;
    private EmbeddedChannel netty;
    private Draft_6455 draft;

    @Setup(Level.Trial)
    public void setUp() {
        request = REQUEST.getBytes(StandardCharsets.US_ASCII);
        limits = Limits.defaults();
        handshake = ServerHandshake.builder().build();
        netty = new EmbeddedChannel(new HttpRequestDecoder());
        draft = new Draft_6455();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        netty.finishAndReleaseAll();
    }

    @Benchmark
    public HttpRequest ours() throws HandshakeException {
        HttpHeadParser parser = HttpHeadParser.forRequest(limits);
        parser.feed(ByteBuffer.wrap(request));
        return parser.request();
    }

    @Benchmark
    public byte[] oursParseAndAccept() throws HandshakeException {
        HttpHeadParser parser = HttpHeadParser.forRequest(limits);
        parser.feed(ByteBuffer.wrap(request));
        return handshake.accept(parser.request()).response().toBytes();
    }

    @Benchmark
    public void netty(Blackhole bh) {
        netty.writeInbound(Unpooled.wrappedBuffer(request));
        Object msg;
        while ((msg = netty.readInbound()) != null) {
            bh.consume(msg);
            ReferenceCountUtil.release(msg);
        }
    }

    @Benchmark
    public Handshakedata javaWebSocket() throws InvalidHandshakeException {
        return draft.translateHandshake(ByteBuffer.wrap(request));
    }
}
