package org.wsbyhand.server;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.wsbyhand.protocol.Connection;
import org.wsbyhand.protocol.Event;
import org.wsbyhand.protocol.FrameDecoder;
import org.wsbyhand.protocol.FrameSink;
import org.wsbyhand.protocol.Limits;
import org.wsbyhand.protocol.MaskKeys;
import org.wsbyhand.protocol.Opcode;
import org.wsbyhand.protocol.ProtocolException;
import org.wsbyhand.protocol.Role;
import org.wsbyhand.protocol.deflate.DeflateNegotiation;
import org.wsbyhand.protocol.deflate.DeflateOptions;
import org.wsbyhand.protocol.deflate.DeflateParameters;
import org.wsbyhand.protocol.deflate.PerMessageDeflate;
import org.wsbyhand.protocol.handshake.ClientHandshake;
import org.wsbyhand.protocol.handshake.HandshakeException;
import org.wsbyhand.protocol.handshake.HandshakeResult;
import org.wsbyhand.protocol.handshake.HttpHeadParser;

/**
 * A blocking test client built on ws-protocol's client side (ClientHandshake, the permessage-deflate
 * offer and response check, a client-role Connection), with a tap on the raw frames it receives so
 * tests can see which of the server's data frames carried RSV1. Every read has a timeout.
 */
final class DeflateClient implements AutoCloseable {
    private static final int READ_TIMEOUT_MILLIS = 10_000;

    final Socket socket;
    final HandshakeResult handshake;
    final Optional<DeflateParameters> agreed;
    private final InputStream in;
    private final OutputStream out;
    private final Connection connection;
    private final PerMessageDeflate deflate;
    private final FrameDecoder tap = new FrameDecoder(Role.CLIENT, Integer.MAX_VALUE);
    /** The RSV bits of every data frame (not continuation) the server sent, in order. */
    final List<Integer> dataFrameRsv = new ArrayList<>();
    private final byte[] buffer = new byte[16 * 1024];
    /** Read bytes the connection has not consumed yet (it pauses after large messages). */
    private ByteBuffer pending = ByteBuffer.allocate(0);

    private DeflateClient(int port, String path, DeflateOptions offer) throws IOException, HandshakeException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        in = socket.getInputStream();
        out = socket.getOutputStream();
        ClientHandshake.Builder builder = ClientHandshake.builder("127.0.0.1").port(port).resource(path);
        if (offer != null) {
            builder.extension(DeflateNegotiation.offer(offer));
        }
        ClientHandshake client = builder.build();
        out.write(client.request().toBytes());
        out.flush();
        HttpHeadParser parser = HttpHeadParser.forResponse(Limits.defaults());
        ByteBuffer leftover;
        while (true) {
            int n = in.read(buffer);
            if (n < 0) {
                throw new EOFException("connection closed during the handshake");
            }
            leftover = ByteBuffer.wrap(buffer, 0, n);
            if (parser.feed(leftover)) {
                break;
            }
        }
        handshake = client.validate(parser.response());
        agreed = offer == null ? Optional.empty() : DeflateNegotiation.clientAgreement(handshake, offer);
        deflate = agreed.map(a -> new PerMessageDeflate(Role.CLIENT, a, offer)).orElse(null);
        connection = deflate == null ? Connection.client()
                : Connection.builder(Role.CLIENT).deflate(deflate).build();
        tap.allowReservedBits(7);
        if (leftover.hasRemaining()) {
            feed(leftover);
        }
    }

    /** Connects to {@code path}, offering permessage-deflate with {@code offer}, or nothing when null. */
    static DeflateClient open(int port, String path, DeflateOptions offer) throws IOException, HandshakeException {
        return new DeflateClient(port, path, offer);
    }

    void sendText(String text) throws IOException {
        connection.sendText(text);
        flush();
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    void close(int code) throws IOException {
        connection.close(org.wsbyhand.protocol.CloseCode.of(code), "");
        flush();
    }

    /** The next event, reading as needed. */
    Event next() throws IOException {
        while (true) {
            Event event = connection.pollEvent();
            if (event instanceof Event.Failure failure) {
                throw new IOException("server broke the protocol: " + failure.exception().getMessage(), failure.exception());
            }
            if (event != null) {
                return event;
            }
            if (pending.hasRemaining()) {
                receive(); // the connection paused after large messages: go on with the rest of the read
                continue;
            }
            int n = in.read(buffer);
            if (n < 0) {
                throw new EOFException("server closed the connection");
            }
            feed(ByteBuffer.wrap(buffer, 0, n));
        }
    }

    /** The next text message, skipping pings and pongs. */
    String nextText() throws IOException {
        while (true) {
            Event event = next();
            if (event instanceof Event.Text text) {
                return text.text();
            }
            if (event instanceof Event.Close close) {
                throw new EOFException("closed with " + close.code());
            }
        }
    }

    /** Whether the last data frame the server sent had RSV1 set (RFC 7692: a compressed message). */
    boolean lastMessageCompressed() {
        return !dataFrameRsv.isEmpty() && dataFrameRsv.get(dataFrameRsv.size() - 1) == 4;
    }

    private void feed(ByteBuffer bytes) throws IOException {
        ByteBuffer copy = ByteBuffer.allocate(bytes.remaining()).put(bytes.duplicate()).flip();
        try {
            tap.decode(copy, new FrameSink() {
                @Override
                public void frameStart(boolean fin, int rsv, Opcode opcode, long length) {
                    if (opcode == Opcode.TEXT || opcode == Opcode.BINARY) {
                        dataFrameRsv.add(rsv);
                    }
                }

                @Override
                public void framePayload(byte[] payload, int offset, int length) {
                }

                @Override
                public boolean frameEnd() {
                    return true;
                }
            });
        } catch (ProtocolException e) {
            throw new IOException("server broke the protocol: " + e.getMessage(), e);
        }
        pending = bytes;
        receive();
    }

    private void receive() throws IOException {
        connection.receive(pending); // a violation by the server is the last event: next() throws it
        flush();
    }

    private void flush() throws IOException {
        for (ByteBuffer b = connection.pollOutbound(); b != null; b = connection.pollOutbound()) {
            out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
        }
        out.flush();
    }

    @Override
    public void close() throws IOException {
        connection.transportClosed();
        socket.close();
    }
}
