package org.wsbyhand.protocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.wsbyhand.protocol.deflate.DeflateOptions;
import org.wsbyhand.protocol.deflate.DeflateParameters;
import org.wsbyhand.protocol.deflate.PerMessageDeflate;

/**
 * Writes the hand-made seeds of the fuzz targets into Jazzer's inputs directories
 * ({@code src/test/resources/<package>/<Class>Inputs/<method>/seed-*}): valid frames and messages,
 * RFC 6455 and RFC 7692 examples, handshakes of browsers and of this library, compressed messages,
 * each in the input layout of its target. Not a test: run it by hand after changing a target's
 * layout, then commit the files.
 *
 * <pre>
 * mvn -q -pl ws-protocol test-compile
 * $JAVA_21_OR_LATER/bin/java -cp "ws-protocol/target/test-classes:ws-protocol/target/classes" \
 *     org.wsbyhand.protocol.SeedCorpus ws-protocol/src/test/resources
 * </pre>
 */
public final class SeedCorpus {

    private final Path resources;

    private SeedCorpus(Path resources) {
        this.resources = resources;
    }

    public static void main(String[] args) throws IOException {
        SeedCorpus corpus = new SeedCorpus(Path.of(args.length > 0 ? args[0] : "ws-protocol/src/test/resources"));
        corpus.utf8();
        corpus.frameDecoder();
        corpus.connection();
        corpus.connectionDeflate();
        corpus.serverHandshake();
        corpus.clientHandshake();
        corpus.extensions();
        corpus.inflate();
    }

    private void write(String testClass, String method, String name, byte[] bytes) throws IOException {
        int dot = testClass.lastIndexOf('.');
        Path dir = resources.resolve(testClass.substring(0, dot).replace('.', '/'))
                .resolve(testClass.substring(dot + 1) + "Inputs").resolve(method);
        Files.createDirectories(dir);
        Files.write(dir.resolve("seed-" + name), bytes);
    }

    private static byte[] hex(String digits) {
        return HexFormat.of().parseHex(digits.replace(" ", ""));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** A chunker prefix (see {@link FuzzInput#nextChunker()}): chunk sizes (1-256 each) and a buffer kind. */
    private static byte[] chunks(int kind, int... sizes) {
        byte[] prefix = new byte[sizes.length + 2];
        prefix[0] = (byte) sizes.length;
        for (int i = 0; i < sizes.length; i++) {
            prefix[i + 1] = (byte) (sizes[i] - 1);
        }
        prefix[sizes.length + 1] = (byte) kind;
        return prefix;
    }

    // ---------------------------------------------------------------- Utf8Validator

    private void utf8() throws IOException {
        String target = "org.wsbyhand.protocol.Utf8ValidatorFuzzTest";
        String method = "validatorAgreesWithTheJdkDecoderOnEveryInputAndEveryChunking";
        write(target, method, "mixed-widths-whole", concat(chunks(0), new byte[] {0},
                utf8("ASCII, é, € and 𝄞: ASCII runs of eight and more bytes")));
        write(target, method, "mixed-widths-byte-by-byte", concat(chunks(0, 1), new byte[] {5}, utf8("aé€𝄞z")));
        write(target, method, "cut-inside-characters", concat(chunks(0, 3, 5), new byte[] {7}, utf8("€𝄞€𝄞€𝄞ab")));
        write(target, method, "edges-of-the-table", concat(chunks(0, 2), new byte[] {1},
                hex("c2 80 df bf e0 a0 80 ed 9f bf ee 80 80 f0 90 80 80 f4 8f bf bf")));
        write(target, method, "overlong-two-bytes", concat(chunks(0), new byte[] {0}, hex("41 c0 af")));
        write(target, method, "overlong-three-bytes", concat(chunks(0), new byte[] {0}, hex("e0 80 af")));
        write(target, method, "surrogate", concat(chunks(0, 2), new byte[] {3}, hex("61 ed a0 80")));
        write(target, method, "above-10ffff", concat(chunks(0), new byte[] {0}, hex("f4 90 80 80")));
        write(target, method, "truncated-at-end", concat(chunks(0), new byte[] {0}, hex("61 62 63 64 65 66 67 68 f0 9f 98")));
        write(target, method, "invalid-after-ascii-word", concat(chunks(0, 9), new byte[] {0},
                utf8("abcdefgh"), hex("ff"), utf8("abcdefgh")));
    }

    // ---------------------------------------------------------------- FrameDecoder

    private void frameDecoder() throws IOException {
        String target = "org.wsbyhand.protocol.FrameDecoderFuzzTest";
        String method = "decoderDeliversExactlyTheFramesOfAWholeBufferReadingInAnyChunking";
        int client = 1;          // decodes server frames (unmasked)
        int server = 0;          // decodes client frames (masked)
        int limit1000 = 2 << 4;
        int limit65536 = 3 << 4;
        // RFC 6455 5.7 examples.
        byte[] hello = hex("81 05 48 65 6c 6c 6f");
        byte[] maskedHello = hex("81 85 37 fa 21 3d 7f 9f 4d 51 58");
        byte[] fragmented = hex("01 03 48 65 6c 80 02 6c 6f");
        byte[] ping = hex("89 05 48 65 6c 6c 6f");
        byte[] maskedPong = hex("8a 85 37 fa 21 3d 7f 9f 4d 51 58");
        write(target, method, "rfc-unmasked-hello", concat(new byte[] {(byte) (client | limit1000)}, chunks(0), hello));
        write(target, method, "rfc-masked-hello-byte-by-byte", concat(new byte[] {(byte) (server | limit1000)},
                chunks(1, 1), maskedHello));
        write(target, method, "rfc-fragments-and-ping", concat(new byte[] {(byte) (client | limit1000)}, chunks(2, 4, 3),
                fragmented, ping, hello));
        write(target, method, "rfc-masked-pong-direct", concat(new byte[] {(byte) (server | limit1000)}, chunks(2, 7),
                maskedPong, maskedHello));
        byte[] binary256 = Wire.concat(hex("82 7e 01 00"), Wire.counting(256));
        write(target, method, "binary-256-16-bit-length", concat(new byte[] {(byte) (client | limit1000)},
                chunks(3, 100), binary256));
        byte[] masked300 = FrameEncoder.encodeMasked(Frame.of(Opcode.BINARY, Wire.counting(300)), 0x11223344);
        write(target, method, "masked-300-read-only", concat(new byte[] {(byte) (server | limit1000)},
                chunks(3, 7, 13), masked300));
        byte[] long64 = Wire.concat(hex("82 7f 00 00 00 00 00 00 01 00"), Wire.counting(256));
        write(target, method, "binary-64-bit-length", concat(new byte[] {(byte) (client | limit65536)}, chunks(0), long64));
        write(target, method, "rsv1-allowed", concat(new byte[] {(byte) (client | (4 << 1) | limit1000)}, chunks(0),
                hex("c1 07 f2 48 cd c9 c9 07 00")));
        write(target, method, "close-1000-masked", concat(new byte[] {(byte) (server | limit1000)}, chunks(0),
                FrameEncoder.encodeMasked(Frame.of(Opcode.CLOSE, hex("03 e8 62 79 65")), 0x01020304)));
        write(target, method, "empty-frames", concat(new byte[] {(byte) client}, chunks(0, 1, 2),
                hex("81 00 82 00 89 00 8a 00 88 00 00 00 80 00")));
    }

    // ---------------------------------------------------------------- Connection

    /** Writes a {@link ConnectionScript} script. */
    private static final class Script {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final Role role;

        Script(Role role, int limitsIndex, byte... deflateConfig) {
            this.role = role;
            out.write((role == Role.SERVER ? 0 : 1) | (limitsIndex << 1));
            out.writeBytes(deflateConfig);
        }

        /** The peer's bytes in runs of at most {@code piece} bytes, in buffers of {@code kind}. */
        Script receive(byte[] bytes, int piece, int kind) {
            for (int at = 0; at < bytes.length; at += piece) {
                int n = Math.min(piece, bytes.length - at);
                out.write(ConnectionScript.OP_RECEIVE + kind);
                out.write(n);
                out.write(bytes, at, n);
            }
            return this;
        }

        Script receive(byte[] bytes) {
            return receive(bytes, 255, 0);
        }

        /** A frame as the peer of this script's connection sends it. */
        Script receive(boolean fin, int rsv, Opcode opcode, byte[] payload) {
            return receive(Peer.wire(role, new Frame(fin, rsv, opcode, payload)));
        }

        Script pollEvents() {
            out.write(ConnectionScript.OP_OTHER);
            out.write(3);
            return this;
        }

        Script pollOutbound(int times) {
            for (int i = 0; i < times; i++) {
                out.write(ConnectionScript.OP_POLL_OUTBOUND);
            }
            return this;
        }

        Script sendText(String text) {
            byte[] bytes = utf8(text);
            out.write(ConnectionScript.OP_SEND_TEXT);
            out.write(bytes.length);
            out.writeBytes(bytes);
            return this;
        }

        Script sendBinary(int kind, byte[] bytes) {
            out.write(ConnectionScript.OP_SEND_BINARY);
            out.write(kind);
            out.write(bytes.length);
            out.writeBytes(bytes);
            return this;
        }

        Script sendPing(byte[] payload) {
            out.write(ConnectionScript.OP_SEND_CONTROL);
            out.write(0);
            out.write(payload.length);
            out.writeBytes(payload);
            return this;
        }

        Script sendFrame(boolean fin, boolean continuation, boolean text, byte[] payload) {
            out.write(ConnectionScript.OP_SEND_FRAME);
            out.write((fin ? 1 : 0) | (continuation ? 2 : 0) | (text ? 4 : 0));
            out.write(payload.length);
            out.writeBytes(payload);
            return this;
        }

        Script close(int codeIndex, int reasonLength) {
            out.write(ConnectionScript.OP_CLOSE);
            out.write(codeIndex);
            out.write(reasonLength);
            return this;
        }

        Script sendEncoded(boolean compressed, byte[] payload) {
            out.write(ConnectionScript.OP_OTHER);
            out.write(1);
            out.write(compressed ? 1 : 0);
            out.write(payload.length);
            out.writeBytes(payload);
            return this;
        }

        Script transportClosed() {
            out.write(ConnectionScript.OP_OTHER);
            out.write(0);
            return this;
        }

        Script accessors() {
            out.write(ConnectionScript.OP_OTHER);
            out.write(2);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    private static byte[] closePayload(int code, String reason) {
        return concat(new byte[] {(byte) (code >> 8), (byte) code}, utf8(reason));
    }

    private void connection() throws IOException {
        String target = "org.wsbyhand.protocol.ConnectionFuzzTest";
        String method = "connectionKeepsTheProtocolWhateverThePeerSendsAndTheApplicationDoes";
        for (Role role : Role.values()) {
            String r = role.name().toLowerCase(java.util.Locale.ROOT);
            write(target, method, r + "-echo-and-close", new Script(role, 3)
                    .receive(true, 0, Opcode.TEXT, utf8("Hello, 世界"))
                    .pollEvents().sendText("Hello, 世界").pollOutbound(2)
                    .receive(true, 0, Opcode.CLOSE, closePayload(1000, "bye"))
                    .pollEvents().pollOutbound(2).bytes());
            write(target, method, r + "-fragments-ping-between", new Script(role, 2)
                    .receive(false, 0, Opcode.TEXT, utf8("frag"))
                    .receive(true, 0, Opcode.PING, utf8("are you there"))
                    .receive(true, 0, Opcode.CONTINUATION, utf8("mented €"))
                    .pollEvents().pollOutbound(3).bytes());
            write(target, method, r + "-byte-by-byte-direct", new Script(role, 3)
                    .receive(Peer.wire(role, Frame.of(Opcode.BINARY, Wire.counting(40))), 1, 2)
                    .pollEvents().bytes());
            write(target, method, r + "-application-closes-first", new Script(role, 1)
                    .sendText("last words").close(0, 4).sendPing(utf8("late"))
                    .receive(true, 0, Opcode.PING, utf8("ping after our close"))
                    .receive(true, 0, Opcode.CLOSE, closePayload(1000, ""))
                    .pollEvents().pollOutbound(6).bytes());
            write(target, method, r + "-invalid-utf8", new Script(role, 3)
                    .receive(true, 0, Opcode.TEXT, utf8("fine"))
                    .receive(true, 0, Opcode.TEXT, hex("61 ed a0 80 62"))
                    .sendText("answer").pollEvents().pollOutbound(4).bytes());
            write(target, method, r + "-message-too-big-in-fragments", new Script(role, 0)
                    .receive(false, 0, Opcode.BINARY, Wire.counting(10))
                    .receive(true, 0, Opcode.CONTINUATION, Wire.counting(10))
                    .pollEvents().pollOutbound(2).bytes());
            write(target, method, r + "-application-fragments", new Script(role, 3)
                    .sendFrame(false, false, true, utf8("one "))
                    .sendPing(utf8("between"))
                    .sendFrame(false, true, false, utf8("two "))
                    .sendFrame(true, true, false, utf8("three"))
                    .sendBinary(1, Wire.counting(200)).sendBinary(2, Wire.counting(3))
                    .pollOutbound(8).bytes());
            write(target, method, r + "-empty-close-and-transport-end", new Script(role, 2)
                    .receive(true, 0, Opcode.PONG, new byte[0])
                    .receive(true, 0, Opcode.CLOSE, new byte[0])
                    .accessors().pollEvents().transportClosed().pollOutbound(3).bytes());
        }
        write(target, method, "server-encoded-broadcast", new Script(Role.SERVER, 3)
                .sendEncoded(false, utf8("to everyone")).sendText("just you")
                .pollOutbound(3).receive(true, 0, Opcode.CLOSE, closePayload(1001, "going")).pollEvents()
                .pollOutbound(2).bytes());
    }

    // ---------------------------------------------------------------- Connection with permessage-deflate

    private void connectionDeflate() throws IOException {
        String target = "org.wsbyhand.protocol.ConnectionDeflateFuzzTest";
        String method = "compressingConnectionKeepsTheProtocolWhateverThePeerSendsAndTheApplicationDoes";
        // ConnectionScript.DeflateSetup: parameters byte (bit 0 server_no_context_takeover, bit 1
        // client_no_context_takeover, bits 2-3 / 4-5 window choices, 0 = 15 bits), options byte
        // (bits 0-3 level + 1, bits 4-5 minimum size 0, 1, 32, 300).
        byte contextTakeover = 0;
        byte noContextTakeover = 3;
        byte level6Min32 = (byte) (7 | (2 << 4));
        byte level1Min0 = 2;
        for (Role role : Role.values()) {
            String r = role.name().toLowerCase(java.util.Locale.ROOT);
            DeflateParameters agreed = DeflateParameters.defaults();
            try (PerMessageDeflate peer = new PerMessageDeflate(role.peer(), agreed, DeflateOptions.defaults())) {
                byte[] first = peer.compress(ByteBuffer.wrap(utf8("Hello, Hello, Hello! permessage-deflate")));
                byte[] second = peer.compress(ByteBuffer.wrap(utf8("Hello again: the window is kept")));
                write(target, method, r + "-compressed-with-context-takeover", new Script(role, 3, contextTakeover, level6Min32)
                        .receive(true, Frame.RSV1, Opcode.TEXT, first)
                        .receive(true, Frame.RSV1, Opcode.TEXT, second)
                        .pollEvents().sendText("a reply long enough to be compressed by this side")
                        .sendText("short").pollOutbound(4).bytes());
            }
            // RFC 7692 7.2.3.1: "Hello" compressed, and 7.2.3.2 the same in two fragments.
            write(target, method, r + "-rfc7692-hello-and-fragments", new Script(role, 2, noContextTakeover, level1Min0)
                    .receive(true, Frame.RSV1, Opcode.TEXT, hex("f2 48 cd c9 c9 07 00"))
                    .receive(false, Frame.RSV1, Opcode.TEXT, hex("f2 48 cd"))
                    .receive(true, 0, Opcode.CONTINUATION, hex("c9 c9 07 00"))
                    .receive(true, 0, Opcode.PING, utf8("x"))
                    .pollEvents().sendFrame(false, false, false, utf8("fragmented "))
                    .sendFrame(true, true, false, utf8("and compressed")).pollOutbound(4).bytes());
            // 7.2.3.3: a stored (uncompressed) block; 7.2.3.4: a block with BFINAL set and bytes after it.
            write(target, method, r + "-rfc7692-stored-and-final-blocks", new Script(role, 2, contextTakeover, level6Min32)
                    .receive(true, Frame.RSV1, Opcode.TEXT, hex("00 05 00 fa ff 48 65 6c 6c 6f 00"))
                    .receive(true, Frame.RSV1, Opcode.TEXT, hex("f3 48 cd c9 c9 07 00 00"))
                    .receive(true, Frame.RSV1, Opcode.BINARY, hex("f2 48 cd c9 c9 07 00"))
                    .pollEvents().bytes());
            // A decompression bomb: 20000 zero bytes in a few dozen, over every limit.
            try (PerMessageDeflate peer = new PerMessageDeflate(role.peer(), agreed, DeflateOptions.defaults())) {
                byte[] bomb = peer.compress(ByteBuffer.wrap(new byte[20000]));
                write(target, method, r + "-bomb", new Script(role, 1, contextTakeover, level6Min32)
                        .receive(true, Frame.RSV1, Opcode.BINARY, bomb)
                        .pollEvents().pollOutbound(2).bytes());
            }
            write(target, method, r + "-invalid-deflate-data", new Script(role, 3, contextTakeover, level1Min0)
                    .receive(true, Frame.RSV1, Opcode.TEXT, hex("ff ff ff ff"))
                    .sendText("queued before the failure").pollEvents().pollOutbound(3).bytes());
            write(target, method, r + "-rsv1-on-continuation", new Script(role, 3, contextTakeover, level1Min0)
                    .receive(false, 0, Opcode.BINARY, utf8("a"))
                    .receive(true, Frame.RSV1, Opcode.CONTINUATION, utf8("b"))
                    .pollEvents().pollOutbound(2).bytes());
        }
        write(target, method, "server-small-window-cannot-compress", new Script(Role.SERVER, 3, (byte) (3 << 2), level1Min0)
                .sendText("sent uncompressed, the agreed window is too small").pollOutbound(2).bytes());
        write(target, method, "server-broadcast-compressed-without-context", new Script(Role.SERVER, 3, contextTakeover, level6Min32)
                .sendText("first message, compressed with context")
                .sendEncoded(true, utf8("broadcast compressed once for every connection"))
                .sendText("next message starts with an empty window").pollOutbound(4).bytes());
    }

    // ---------------------------------------------------------------- handshakes

    private static final String CHROME_REQUEST = """
            GET /chat?room=1 HTTP/1.1\r
            Host: example.com:8080\r
            Connection: Upgrade\r
            Pragma: no-cache\r
            Cache-Control: no-cache\r
            User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)\r
            Upgrade: websocket\r
            Origin: http://example.com:8080\r
            Sec-WebSocket-Version: 13\r
            Accept-Encoding: gzip, deflate, br\r
            Accept-Language: en-US,en;q=0.9\r
            Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r
            Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r
            Sec-WebSocket-Protocol: json, chat.v2\r
            \r
            """;

    private static final String FIREFOX_REQUEST = """
            GET ws://example.com/socket HTTP/1.1\r
            Host: example.com\r
            User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r
            Accept: */*\r
            Sec-WebSocket-Version: 13\r
            Origin: http://example.com\r
            Sec-WebSocket-Extensions: permessage-deflate\r
            Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r
            Connection: keep-alive, Upgrade\r
            Upgrade: websocket\r
            \r
            """;

    private static final String RFC_REQUEST = """
            GET /chat HTTP/1.1\r
            Host: server.example.com\r
            Upgrade: websocket\r
            Connection: Upgrade\r
            Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r
            Origin: http://example.com\r
            Sec-WebSocket-Protocol: chat, superchat\r
            Sec-WebSocket-Version: 13\r
            \r
            """;

    private void serverHandshake() throws IOException {
        String target = "org.wsbyhand.protocol.handshake.ServerHandshakeFuzzTest";
        String method = "serverParsesAndJudgesAnyRequestAsDocumented";
        int defaults = 2;
        int protocols = 4;
        int deflate = 8;
        write(target, method, "rfc-request", concat(new byte[] {(byte) defaults}, chunks(0), RFC_REQUEST.getBytes(StandardCharsets.ISO_8859_1)));
        write(target, method, "chrome-request-with-frames-behind", concat(new byte[] {(byte) (defaults | protocols | deflate)},
                chunks(0, 64, 100), CHROME_REQUEST.getBytes(StandardCharsets.ISO_8859_1), hex("81 85 37 fa 21 3d 7f 9f 4d 51 58")));
        write(target, method, "firefox-request-absolute-form", concat(new byte[] {(byte) (defaults | deflate | (1 << 4))},
                chunks(2, 1), FIREFOX_REQUEST.getBytes(StandardCharsets.ISO_8859_1)));
        write(target, method, "offers-to-decline-and-accept", concat(new byte[] {(byte) (defaults | deflate | (2 << 4))}, chunks(1, 30),
                RFC_REQUEST.replace("Sec-WebSocket-Version: 13\r\n", "Sec-WebSocket-Version: 13\r\n"
                        + "Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=10, "
                        + "permessage-deflate; server_max_window_bits=\"15\"; client_no_context_takeover, x-webkit-deflate-frame\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1)));
        write(target, method, "small-limits", concat(new byte[] {0}, chunks(0), RFC_REQUEST.getBytes(StandardCharsets.ISO_8859_1)));
        write(target, method, "post-http10", concat(new byte[] {(byte) defaults}, chunks(0),
                "POST /chat HTTP/1.0\r\nHost: a\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)));
        write(target, method, "version-8-and-bare-lf", concat(new byte[] {(byte) defaults}, chunks(0),
                RFC_REQUEST.replace("Version: 13", "Version: 8").replace("Origin: http://example.com\r\n", "Origin: x\n")
                        .getBytes(StandardCharsets.ISO_8859_1)));
    }

    private void clientHandshake() throws IOException {
        String target = "org.wsbyhand.protocol.handshake.ClientHandshakeFuzzTest";
        String method = "clientParsesAndJudgesAnyResponseAsDocumented";
        String accept = "ICX+Yqv66kxgM0FcWaLWlFLwTAI=";
        int defaults = 2;
        int protocols = 4;
        int deflate = 8;
        String plain = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + accept + "\r\n";
        write(target, method, "plain-101", concat(new byte[] {(byte) defaults}, chunks(0),
                (plain + "\r\n").getBytes(StandardCharsets.ISO_8859_1)));
        write(target, method, "protocol-and-deflate-then-frame", concat(new byte[] {(byte) (defaults | protocols | deflate)},
                chunks(0, 17), (plain + "Sec-WebSocket-Protocol: json\r\nSec-WebSocket-Extensions: permessage-deflate; "
                        + "server_no_context_takeover; server_max_window_bits=10\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1),
                hex("81 05 48 65 6c 6c 6f")));
        write(target, method, "deflate-asked-no-context", concat(new byte[] {(byte) (defaults | deflate | (1 << 4))},
                chunks(3, 40), (plain + "Sec-WebSocket-Extensions: permessage-deflate; client_no_context_takeover\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1)));
        write(target, method, "deflate-with-client-window", concat(new byte[] {(byte) (defaults | deflate)}, chunks(0),
                (plain + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=9\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1)));
        write(target, method, "not-found", concat(new byte[] {(byte) defaults}, chunks(0),
                "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)));
        write(target, method, "wrong-accept-and-no-reason", concat(new byte[] {(byte) defaults}, chunks(0),
                "HTTP/1.1 101\r\nUpgrade: websocket\r\nConnection: upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1)));
    }

    // ---------------------------------------------------------------- extensions and inflate

    private void extensions() throws IOException {
        String target = "org.wsbyhand.protocol.deflate.ExtensionNegotiationFuzzTest";
        String method = "negotiationAnswersEveryOfferAndResponseAsDocumented";
        String[] values = {
            "permessage-deflate; client_max_window_bits",
            "permessage-deflate; server_no_context_takeover; client_no_context_takeover",
            "permessage-deflate; server_max_window_bits=10, permessage-deflate; server_max_window_bits=15",
            "permessage-deflate; client_max_window_bits=\"12\", x-webkit-deflate-frame",
            "permessage-deflate; server_max_window_bits=9",
            " , permessage-deflate ;server_no_context_takeover , ",
            "permessage-deflate; client_no_context_takeover; client_no_context_takeover",
            "permessage-deflate; unknown=1",
            "permessage-deflate; server_max_window_bits=\"1\\5\"",
            "permessage-deflate; server_max_window_bits=08",
        };
        for (int i = 0; i < values.length; i++) {
            write(target, method, "value-" + i, concat(new byte[] {(byte) i, (byte) (i >> 1)},
                    values[i].getBytes(StandardCharsets.ISO_8859_1)));
        }
    }

    private void inflate() throws IOException {
        String target = "org.wsbyhand.protocol.deflate.InflateFuzzTest";
        String method = "inflaterKeepsToItsLimitAndAgreesWithAPlainInflater";
        byte[] hello = hex("f2 48 cd c9 c9 07 00");
        write(target, method, "rfc7692-hello-twice", concat(new byte[] {3},
                new byte[] {0, 3}, hex("f2 48 cd"), new byte[] {1, 4}, hex("c9 c9 07 00"), new byte[] {2},
                new byte[] {0, 7}, hello, new byte[] {2}));
        write(target, method, "rfc7692-shared-window", concat(new byte[] {3},
                new byte[] {0, 7}, hello, new byte[] {2}, new byte[] {0, 5}, hex("f2 00 11 00 00"), new byte[] {2}));
        write(target, method, "bfinal-then-bytes", concat(new byte[] {3},
                new byte[] {0, 8}, hex("f3 48 cd c9 c9 07 00 00"), new byte[] {2}, new byte[] {0, 7}, hello, new byte[] {2}));
        try (PerMessageDeflate sender = new PerMessageDeflate(Role.SERVER, DeflateParameters.defaults(), DeflateOptions.defaults())) {
            byte[] bomb = sender.compress(ByteBuffer.wrap(new byte[20000]));
            write(target, method, "bomb-over-8193", concat(new byte[] {5}, new byte[] {0, (byte) bomb.length}, bomb, new byte[] {2}));
        }
        write(target, method, "round-trips", concat(new byte[] {(byte) (6 | 8)},
                new byte[] {3, 20}, utf8("a message that goes "), new byte[] {5},
                new byte[] {3, 20}, utf8("a message that goes "), new byte[] {9}));
        write(target, method, "invalid-block-type", concat(new byte[] {3}, new byte[] {0, 2}, hex("ff ff"), new byte[] {2}));
    }
}
