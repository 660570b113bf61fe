package org.wsbyhand.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** A {@link FrameSink} that reassembles what a decoder delivers into whole {@link Frame}s. */
final class FrameCollector implements FrameSink {

    final List<Frame> frames = new ArrayList<>();
    /** How many headers were reported, whole frames or not. */
    int starts;
    /** Payload bytes delivered so far, over all frames. */
    long payloadBytes;
    /** When set, {@link #frameEnd} asks the decoder to stop after a close frame. */
    boolean stopAfterClose;

    private boolean fin;
    private int rsv;
    private Opcode opcode;
    private long declaredLength;
    private ByteArrayOutputStream payload;

    @Override
    public void frameStart(boolean fin, int rsv, Opcode opcode, long length) {
        if (payload != null) {
            throw new AssertionError("frameStart before the previous frame ended");
        }
        this.fin = fin;
        this.rsv = rsv;
        this.opcode = opcode;
        this.declaredLength = length;
        this.payload = new ByteArrayOutputStream();
        starts++;
    }

    @Override
    public void framePayload(byte[] bytes, int offset, int length) {
        if (payload == null) {
            throw new AssertionError("payload outside a frame");
        }
        if (length <= 0) {
            throw new AssertionError("empty payload chunk");
        }
        payload.write(bytes, offset, length);
        payloadBytes += length;
    }

    @Override
    public boolean frameEnd() {
        if (payload == null) {
            throw new AssertionError("frameEnd outside a frame");
        }
        if (payload.size() != declaredLength) {
            throw new AssertionError("frame declared " + declaredLength + " bytes, delivered " + payload.size());
        }
        frames.add(new Frame(fin, rsv, opcode, payload.toByteArray()));
        payload = null;
        return !(stopAfterClose && opcode == Opcode.CLOSE);
    }

    /** Decodes each chunk in turn with {@code decoder} and returns the frames. */
    static List<Frame> decode(FrameDecoder decoder, List<ByteBuffer> chunks) throws ProtocolException {
        FrameCollector collector = new FrameCollector();
        for (ByteBuffer chunk : chunks) {
            if (!decoder.decode(chunk, collector)) {
                throw new AssertionError("decoder stopped without being asked to");
            }
            if (chunk.hasRemaining()) {
                throw new AssertionError("decoder left " + chunk.remaining() + " bytes unread");
            }
        }
        return collector.frames;
    }
}
